package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jmio.poll.spi.SocketSystemProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;

/** poll-iocp registers its Winsock provider, which claims Windows and nothing else. */
class WinsockSocketsProviderTest {
    @Test
    void registeredAndKeyedByOs() {
        List<String> names = new ArrayList<>();
        for (SocketSystemProvider p : ServiceLoader.load(SocketSystemProvider.class)) {
            names.add(p.getClass().getName());
        }
        assertEquals(List.of(WinsockSocketsProvider.class.getName()), names);
        assertEquals(OS.WINDOWS.isCurrentOs(), new WinsockSocketsProvider().supportsCurrentOs());
        if (!OS.WINDOWS.isCurrentOs()) {
            assertFalse(new WinsockSocketsProvider().supportsCurrentOs(), "must never bind ws2_32 off Windows");
        }
    }
}
