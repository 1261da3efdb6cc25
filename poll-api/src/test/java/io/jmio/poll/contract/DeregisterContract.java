package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Registry.deregister} of a descriptor that is not registered with the poll fails the same way
 * on every backend: a {@link SyscallException} whose {@code errnoName()} is {@code ENOENT}, whatever
 * the kernel answered (epoll and FreeBSD answer {@code EBADF} for a closed descriptor, macOS
 * {@code ENOENT}); the kernel's own answer is named in the message. The poll stays usable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class DeregisterContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private Poll poll;

    @BeforeEach
    void openPoll() throws IOException {
        poll = Poll.open(backend());
    }

    @AfterEach
    void closePoll() throws IOException {
        poll.close();
    }

    private SyscallException deregisterFails(int fd) {
        SyscallException e = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(fd)));
        assertEquals("ENOENT", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        return e;
    }

    private void assertStillUsable() throws IOException {
        int[] p = Fds.pipe();
        try {
            poll.registry().register(new SourceFd(p[0]), Token.of(99), Interest.READABLE);
            Fds.write(p[1]);
            Events events = Events.withCapacity(8);
            poll.poll(events, Duration.ofSeconds(5));
            assertEquals(1, events.size());
            assertEquals(99, events.get(0).token());
            poll.registry().deregister(new SourceFd(p[0]));
        } finally {
            Fds.close(p);
        }
    }

    @Test
    void deregisterOfARegisteredDescriptorClosedSinceFailsWithEnoent() throws IOException {
        int[] p = Fds.pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
        Fds.close(p);
        deregisterFails(p[0]);
        deregisterFails(p[0]);
        assertStillUsable();
    }

    @Test
    void deregisterOfAClosedDescriptorNeverRegisteredFailsWithEnoent() throws IOException {
        int[] p = Fds.pipe();
        Fds.close(p);
        deregisterFails(p[0]);
        assertStillUsable();
    }

    @Test
    void deregisterOfAReusedNumberFailsWithEnoent() throws IOException {
        int[] p = Fds.pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
        Fds.close(p);
        int[] q = Fds.pipe(); // the lowest free numbers: normally p's again
        try {
            deregisterFails(p[0]);
            if (q[0] == p[0] || q[1] == p[0]) {
                poll.registry().register(new SourceFd(p[0]), Token.of(2), Interest.READABLE);
                poll.registry().deregister(new SourceFd(p[0]));
            }
        } finally {
            Fds.close(q);
        }
        assertStillUsable();
    }
}
