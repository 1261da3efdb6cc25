package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void pipeBecomesReadable() throws Exception {
        try (Poll poll = Poll.open()) {
            assertEquals("epoll", poll.backendName());
            int[] p = Posix.pipe();
            poll.registry().register(new SourceFd(p[0]), Token.of(7), Interest.READABLE);
            Events events = Events.withCapacity(8);
            assertEquals(0, poll.poll(events, Duration.ZERO));
            ByteBuffer b = NativeMemory.allocate(8);
            assertEquals(1, Posix.write(p[1], NativeMemory.address(b), 1));
            assertEquals(1, poll.poll(events, Duration.ofSeconds(1)));
            assertEquals(7, events.get(0).token());
            assertTrue(events.get(0).isReadable());
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
    }
}
