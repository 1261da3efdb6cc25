package io.jmio.poll.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * poll-api alone supplies no socket system: the module that owns the OS does. Its own test class path
 * has no backend module, so here {@link SocketSystem#current()} must be the failing one, with an error
 * that tells the user what to add; and no source of this module may bind a Windows library.
 */
class SocketSystemSelectionTest {
    @Test
    void withoutAModuleForTheOsEveryCallSaysWhichModuleToAdd() {
        SocketSystem sys = SocketSystem.current();
        assertEquals("unavailable", sys.name());
        IOException e = assertThrows(IOException.class, () -> sys.open(false, true));
        assertTrue(e.getMessage().contains("poll-epoll") && e.getMessage().contains("poll-iocp")
                && e.getMessage().contains("os.name="), e.getMessage());
        assertThrows(IOException.class, () -> sys.bind(3, new InetSocketAddress(0)));
        assertFalse(sys.lastTruncated());
    }

    @Test
    void pollApiHoldsNoWindowsBinding() throws IOException {
        Path main = Path.of("src/main/java").toAbsolutePath();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.toString().endsWith(".java")) {
                    continue;
                }
                String text = Files.readString(f).toLowerCase(Locale.ROOT);
                if (text.contains("\"ws2_32\"") || text.contains("\"kernel32\"") || text.contains("\"ntdll\"")
                        || text.contains("package io.jmio.poll.windows")) {
                    offenders.add(main.relativize(f).toString());
                }
            }
        }
        assertTrue(Files.isDirectory(main.resolve("io/jmio/poll/spi")), "walk rooted at " + main);
        assertTrue(offenders.isEmpty(), "Windows bindings belong in poll-iocp: " + offenders);
    }
}
