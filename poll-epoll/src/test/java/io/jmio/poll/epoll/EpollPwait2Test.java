package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.time.Duration;

/**
 * Timeouts below a millisecond: with {@code epoll_pwait2} (Linux 5.11+) a poll waits about as long as
 * asked; without it ({@code ENOSYS}, or a C library without the symbol) {@code epoll_wait}'s
 * millisecond timeout is used, rounded up, so a poll never returns before its timeout.
 */
@EnabledOnOs(OS.LINUX)
class EpollPwait2Test {
    private static final long TIMEOUT_NANOS = 300_000;

    @Test
    void aSubMillisecondTimeoutShouldBeHonouredWhereTheKernelHasEpollPwait2() throws IOException {
        assumeTrue(EpollNative.pwait2Usable(), "no epoll_pwait2 here (kernel before 5.11 or glibc before 2.35)");
        long[] range = pollTimes(20);
        // epoll_wait with a 1 ms timeout never returns before 1 ms; epoll_pwait2 returns after 0.3 ms plus
        // the wake-up. The fastest of 20 tries is well under 1 ms even on a loaded machine.
        assertTrue(range[0] < 900_000, "fastest 300 µs poll took " + range[0] + " ns: rounded up to 1 ms?");
        assertTrue(range[0] >= TIMEOUT_NANOS, "a poll returned before its timeout: " + range[0] + " ns");
    }

    @Test
    void withoutEpollPwait2TheTimeoutShouldBeRoundedUpToAMillisecond() throws IOException {
        boolean before = EpollNative.pwait2Usable();
        try {
            // What the facade does when the kernel answers ENOSYS: stop using it, fall back to epoll_wait.
            assertEquals(EpollNative.UNSUPPORTED, EpollNative.pwait2Failed(Errno.ENOSYS, 3));
            assertFalse(EpollNative.pwait2Usable());
            long[] range = pollTimes(3);
            assertTrue(range[0] >= 1_000_000, "epoll_wait rounds 300 µs up to 1 ms, never down: " + range[0] + " ns");
        } finally {
            EpollNative.setPwait2Usable(before);
        }
    }

    @Test
    void otherFailuresOfEpollPwait2ShouldBeReportedNotMaskedByTheFallback() {
        SyscallException e = assertThrows(SyscallException.class, () -> EpollNative.pwait2Failed(Errno.EBADF, 3));
        assertEquals("epoll_pwait2", e.syscall());
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void theTimespecLayoutIsPinned() {
        assertEquals(16, TimespecDescriptor.SIZE);
        assertEquals(0, TimespecDescriptor.TV_SEC_OFFSET);
        assertEquals(8, TimespecDescriptor.TV_NSEC_OFFSET);
    }

    /** @return {fastest, slowest} of {@code tries} polls with nothing ready and a 300 µs timeout, in ns */
    private static long[] pollTimes(int tries) throws IOException {
        long min = Long.MAX_VALUE;
        long max = 0;
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            for (int i = 0; i < tries; i++) {
                long t0 = System.nanoTime();
                int n = poll.poll(events, Duration.ofNanos(TIMEOUT_NANOS));
                long t = System.nanoTime() - t0;
                assertEquals(0, n, "nothing is registered");
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
        }
        return new long[] {min, max};
    }
}
