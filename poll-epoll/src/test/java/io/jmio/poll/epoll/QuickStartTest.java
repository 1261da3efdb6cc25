package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Holds the README's quick-start verbatim (between the markers), so that it keeps compiling and working. */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class QuickStartTest {
    @Test
    void quickStartRuns() throws Exception {
        assertEquals(3, quickStart());
    }

    @Test
    void readmeShowsThisExactCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/jmio/poll/epoll/QuickStartTest.java"));
        String snippet = source.split("// quick-start begin\n")[1].split("\\s*// quick-start end")[0];
        StringBuilder unindented = new StringBuilder();
        for (String line : snippet.split("\n")) {
            unindented.append(line.startsWith("        ") ? line.substring(8) : line).append('\n');
        }
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains(unindented.toString().strip()), "README.md's quick-start differs from QuickStartTest");
    }

    static int quickStart() throws IOException, InterruptedException {
        // quick-start begin
        final Token WAKE = Token.of(0);
        ConcurrentLinkedQueue<String> inbox = new ConcurrentLinkedQueue<>();
        int handled = 0;
        try (Poll poll = Poll.open()) {                   // epoll on Linux, kqueue on macOS, IOCP on Windows
            Waker waker = new Waker(poll.registry(), WAKE);
            Thread producer = new Thread(() -> {
                for (String msg : new String[] {"one", "two", "three"}) {
                    inbox.add(msg);
                    waker.wakeUnchecked();                // coalesced: cheap when the loop is already awake
                }
            });
            producer.start();
            Events events = Events.withCapacity(128);     // allocated once, reused by every poll
            while (handled < 3) {
                poll.poll(events, Duration.ofSeconds(5)); // null would block until an event
                for (Event event : events) {              // iterating allocates nothing
                    if (event.token() == WAKE.value()) {
                        for (String msg; (msg = inbox.poll()) != null; handled++) {
                            System.out.println("got " + msg);
                        }
                    }
                }
            }
            producer.join();
        }
        // quick-start end
        return handled;
    }
}
