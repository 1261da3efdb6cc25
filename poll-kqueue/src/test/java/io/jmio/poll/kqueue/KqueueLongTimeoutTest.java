package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Fds;
import io.jmio.poll.spi.EventBuffer;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Timeouts beyond what a kernel's {@code struct timespec} check allows: XNU refuses {@code tv_sec}
 * above {@code INT32_MAX} (above 100,000,000 on macOS 10.14 and older) with {@code EINVAL}, so the
 * selector clamps every wait to 100,000,000 s (about three years; an early return is a legal
 * spurious wake-up).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KqueueLongTimeoutTest {
    @Test
    void shouldClampTheSecondsOfAnyTimeoutToOneHundredMillion() throws IOException {
        ScriptedKqueueSystem sys = new ScriptedKqueueSystem(KqueueAbi.DARWIN);
        KqueueSelector selector = new KqueueSelector(sys);
        EventBuffer events = selector.newEventBuffer(4);
        selector.select(events, Long.MAX_VALUE - 1);
        assertEquals(TimespecDescriptor.MAX_SECONDS * 1_000_000_000L, sys.lastTimeoutNanos);
        selector.select(events, 100_000_000L * 1_000_000_000L + 1);
        assertEquals(TimespecDescriptor.MAX_SECONDS * 1_000_000_000L, sys.lastTimeoutNanos);
        selector.select(events, 99_999_999L * 1_000_000_000L + 7);
        assertEquals(99_999_999L * 1_000_000_000L + 7, sys.lastTimeoutNanos, "below the limit: exact");
        selector.close();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldWaitRatherThanFailWithTheLongestDurationOnEmulatedMacos() throws IOException {
        pollReadyPipeForever(new KqueueEmulatedBackend(KqueueAbi.DARWIN));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldWaitRatherThanFailWithTheLongestDurationOnEmulatedFreeBsd() throws IOException {
        pollReadyPipeForever(new KqueueEmulatedBackend(KqueueAbi.FREEBSD_12));
    }

    @Test
    void shouldWaitRatherThanFailWithTheLongestDurationOnARealKqueue() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(RealKqueue.available(), "needs macOS or a BSD");
        pollReadyPipeForever(new KqueueBackend());
    }

    /** A readable pipe, polled with {@code Duration.ofSeconds(Long.MAX_VALUE)}: the event, no EINVAL. */
    private static void pollReadyPipeForever(io.jmio.poll.spi.PollBackend backend) throws IOException {
        int[] p = Fds.pipe();
        try (Poll poll = Poll.open(backend)) {
            poll.registry().register(new SourceFd(p[0]), Token.of(3), Interest.READABLE);
            Fds.write(p[1]);
            Events events = Events.withCapacity(4);
            poll.poll(events, Duration.ofSeconds(Long.MAX_VALUE));
            assertEquals(1, events.size());
            assertEquals(3, events.get(0).token());
        } finally {
            Fds.close(p);
        }
    }
}
