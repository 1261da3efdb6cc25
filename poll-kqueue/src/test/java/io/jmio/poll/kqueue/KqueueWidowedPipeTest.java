package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Fds;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Registering the write end of a pipe whose read end is already closed, for writability only: XNU
 * attaches the filter and reports the hang-up; FreeBSD refuses the filter with {@code EPIPE} and keeps
 * nothing, so jmio refuses the registration with that {@code EPIPE} rather than hold a registration
 * that could never report anything.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KqueueWidowedPipeTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldReportTheHangUpOnEmulatedMacos() throws IOException {
        expectHangUp(new KqueueEmulatedBackend(KqueueAbi.DARWIN));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldRefuseWithEpipeOnEmulatedFreeBsd() throws IOException {
        expectEpipe(new KqueueEmulatedBackend(KqueueAbi.FREEBSD_12));
    }

    @Test
    void shouldBehaveAsItsKernelOnARealKqueue() throws IOException {
        Assumptions.assumeTrue(Platform.current() == Platform.DARWIN || Platform.current() == Platform.FREEBSD,
                "the rule is read from XNU's and FreeBSD's sources only");
        if (Platform.current() == Platform.DARWIN) {
            expectHangUp(new KqueueBackend());
        } else {
            expectEpipe(new KqueueBackend());
        }
    }

    private static void expectHangUp(PollBackend backend) throws IOException {
        int[] p = Fds.pipe();
        try (Poll poll = Poll.open(backend)) {
            Fds.close(p[0]);
            poll.registry().register(new SourceFd(p[1]), Token.of(4), Interest.WRITABLE);
            Events events = Events.withCapacity(4);
            poll.poll(events, Duration.ofSeconds(5));
            assertEquals(1, events.size());
            assertTrue(events.get(0).isWriteClosed(), events.get(0).toString());
        } finally {
            Fds.close(p[1]);
        }
    }

    private static void expectEpipe(PollBackend backend) throws IOException {
        int[] p = Fds.pipe();
        try (Poll poll = Poll.open(backend)) {
            Fds.close(p[0]);
            SyscallException e = assertThrows(SyscallException.class,
                    () -> poll.registry().register(new SourceFd(p[1]), Token.of(4), Interest.WRITABLE));
            assertEquals("EPIPE", e.errnoName());
            SyscallException none = assertThrows(SyscallException.class, () -> poll.registry().deregister(new SourceFd(p[1])));
            assertEquals("ENOENT", none.errnoName(), "nothing was registered");
        } finally {
            Fds.close(p[1]);
        }
    }
}
