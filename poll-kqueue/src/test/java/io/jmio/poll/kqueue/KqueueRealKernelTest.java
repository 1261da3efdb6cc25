package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Posix;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * What only a real kqueue kernel can show: the ABI chosen for it, {@code Poll.open()} picking the
 * backend, and the kernel's answers in the cases the selector excuses or maps.
 */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KqueueRealKernelTest {
    @Test
    void shouldLoadAndPickTheLayoutOfThisSystem() {
        assertNull(new KqueueBackend().unavailabilityCause());
        KqueueAbi abi = KqueueNative.INSTANCE.abi();
        switch (Platform.current()) {
            case DARWIN:
                assertSame(KqueueAbi.DARWIN, abi);
                break;
            case FREEBSD: {
                // A cross-check of the probe, not the method: a FreeBSD 12+ userland has the 64-byte kevent.
                int major = Integer.parseInt(System.getProperty("os.version").replaceAll("[^0-9].*", ""));
                assertSame(major >= 12 ? KqueueAbi.FREEBSD_12 : KqueueAbi.FREEBSD_11, abi);
                break;
            }
            case OPENBSD:
                assertSame(KqueueAbi.OPENBSD, abi);
                break;
            default:
                assertSame(KqueueAbi.DRAGONFLY, abi);
        }
    }

    @Test
    void shouldBePickedByPollOpen() throws IOException {
        try (Poll poll = Poll.open()) {
            assertEquals("kqueue", poll.backendName());
        }
    }

    @Test
    void shouldReportReadAndWriteAsSeparateEventsOfOneSocket() throws IOException {
        int[] s = Fds.socketPair();
        try (Poll poll = Poll.open(new KqueueBackend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(new SourceFd(s[0]), Token.of(1), Interest.READABLE.add(Interest.WRITABLE));
            Fds.write(s[1]);
            Expect.events(poll, events, Expect.readable(1), Expect.writable(1));
            Posix.shutdown(s[1], Posix.SHUT_WR);
            Expect.events(poll, events, Expect.readClosed(1));
        } finally {
            Fds.close(s);
        }
    }

    @Test
    void shouldRegisterTheWriteEndOfAPipeWhoseReaderIsGone() throws IOException {
        // Old macOS answers EPIPE here; the selector excuses it and records no write filter, so the
        // deregister below must not fail with ENOENT. Newer kernels add the filter and report EOF.
        int[] p = Fds.pipe();
        Fds.close(p[0]);
        try (Poll poll = Poll.open(new KqueueBackend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(new SourceFd(p[1]), Token.of(2), Interest.WRITABLE);
            poll.poll(events, Duration.ofMillis(100));
            for (Event e : events) {
                assertEquals(2, e.token());
                assertTrue(e.isWriteClosed() || e.isError() || e.isWritable(), e.toString());
            }
            poll.registry().deregister(new SourceFd(p[1]));
        } finally {
            Fds.close(p[1]);
        }
    }
}
