package io.jmio.poll.uring;

import static io.jmio.poll.contract.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What the io_uring backend does with a descriptor closed while registered (its poll request holds
 * the file, unlike epoll, whose registration ends with the file): the registry tells the closed or
 * reused number apart from the registered file, and neither a queued arming nor a hang-up of the old
 * file reaches the new one.
 */
@EnabledOnOs(OS.LINUX)
class UringClosedDescriptorTest {
    private Poll poll;
    private final Events events = Events.withCapacity(16);
    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open(UringTestBackend.available());
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        for (int fd : fds) {
            Fds.close(fd);
        }
    }

    /**
     * A pipe whose read end has number {@code readFd}. The kernel hands out the lowest free number, so
     * after {@code readFd}'s close that is normally the first pipe's; but the JVM's own threads open
     * and close files at any moment (the compiler threads re-read cgroup files), so a lower number
     * one of them held may be free now, or {@code readFd} may be held for a moment. A lower number is
     * kept taken until the pipe lands on {@code readFd}; a higher one is given back and tried again.
     */
    private int[] pipeAt(int readFd) throws IOException {
        List<Integer> lower = new ArrayList<>();
        List<String> got = new ArrayList<>();
        try {
            for (int attempt = 0; attempt < 1000; attempt++) {
                int[] p = Fds.pipe();
                if (p[0] == readFd) {
                    fds.add(p[0]);
                    fds.add(p[1]);
                    return p;
                }
                got.add(p[0] + "," + p[1]);
                if (p[0] < readFd) {
                    lower.add(p[0]); // a number another thread freed meanwhile: keep it taken
                    Fds.close(p[1]);
                } else {
                    Fds.close(p); // readFd is held elsewhere for a moment
                    Thread.onSpinWait();
                }
            }
        } finally {
            for (int fd : lower) {
                Fds.close(fd);
            }
        }
        throw new AssertionError("the kernel did not reuse fd " + readFd + " (pipes got " + got.subList(0, Math.min(5, got.size())) + " ...)");
    }

    @Test
    void shouldRegisterAReusedNumberAfterTheRegisteredFileWasClosed() throws IOException {
        int[] old = Fds.pipe();
        poll.registry().register(new SourceFd(old[0]), Token.of(1), Interest.READABLE);
        Expect.noEvents(poll, events); // armed in the kernel
        Fds.close(old);
        int[] now = pipeAt(old[0]);
        poll.registry().register(new SourceFd(now[0]), Token.of(2), Interest.READABLE);
        Fds.write(now[1]);
        List<String> seen = Expect.events(poll, events, readable(2));
        assertTrue(seen.stream().noneMatch(e -> e.contains("token=1")), "the closed file's token was reported: " + seen);
    }

    @Test
    void shouldFailDeregisterOfAClosedDescriptorWithEnoentAndForgetIt() throws IOException {
        int[] a = Fds.pipe();
        int[] b = Fds.pipe();
        fds.add(b[0]);
        fds.add(b[1]);
        poll.registry().register(new SourceFd(a[0]), Token.of(1), Interest.READABLE);
        poll.registry().register(new SourceFd(b[1]), Token.of(2), Interest.WRITABLE);
        Expect.events(poll, events, Expect.writable(2));
        Fds.close(a);
        // The registration outlives the close: reregister updates the registered file's request, unchecked.
        poll.registry().reregister(new SourceFd(a[0]), Token.of(3), Interest.READABLE);
        SyscallException e = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(a[0])));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("EBADF"), e.getMessage());
        e = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(a[0])));
        assertEquals("ENOENT", e.errnoName()); // the first call forgot it
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        e = assertThrows(SyscallException.class,
                () -> poll.registry().reregister(new SourceFd(a[0]), Token.of(4), Interest.READABLE));
        assertEquals("ENOENT", e.errnoName());
        poll.registry().reregister(new SourceFd(b[1]), Token.of(5), Interest.WRITABLE);
        Expect.events(poll, events, Expect.writable(5)); // the other registration is untouched
    }

    @Test
    void shouldNotLetAQueuedArmingReachTheReusedNumber() throws IOException {
        int[] old = Fds.pipe();
        // Registered, not yet submitted (no poll since), then closed and the number reused.
        poll.registry().register(new SourceFd(old[0]), Token.of(1), Interest.READABLE, Trigger.LEVEL);
        Fds.close(old);
        int[] now = pipeAt(old[0]);
        Fds.write(now[1]);
        Expect.noEvents(poll, events);
        SyscallException e = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(now[0])));
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void shouldNotReportTheHangUpOfAClosedRegisteredFile() throws IOException {
        int[] old = Fds.pipe();
        poll.registry().register(new SourceFd(old[0]), Token.of(1), Interest.READABLE);
        Expect.noEvents(poll, events); // armed: the request now holds the old read end
        Fds.close(old); // the write end's close hangs up the old read end, which the request keeps open
        int[] now = pipeAt(old[0]);
        Expect.noEvents(poll, events);
        poll.registry().register(new SourceFd(now[0]), Token.of(2), Interest.READABLE);
        Fds.write(now[1]);
        Expect.events(poll, events, readable(2));
    }

    @Test
    void shouldHoldTheFileOfAClosedRegistrationUntilDeregistered() throws IOException {
        int[] s = Fds.socketPair();
        fds.add(s[1]);
        poll.registry().register(new SourceFd(s[0]), Token.of(1), Interest.READABLE);
        Expect.noEvents(poll, events); // armed
        Fds.close(s[0]);
        assertEquals(0, Fds.drain(s[1]), "the peer saw the close although the poll request holds the socket");
        SyscallException e = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(s[0])));
        assertEquals("ENOENT", e.errnoName());
        // The cancellation completes in this thread's task work, before the call above returned to Java.
        try (Poll epoll = Poll.open("epoll")) {
            epoll.registry().register(new SourceFd(s[1]), Token.of(9), Interest.READABLE);
            Expect.events(epoll, Events.withCapacity(4), Expect.readClosed(9));
        }
        assertEquals(-1, Fds.drain(s[1]), "the peer did not see the close after deregister");
        assertEquals(0, poll.poll(events, Duration.ZERO));
    }
}
