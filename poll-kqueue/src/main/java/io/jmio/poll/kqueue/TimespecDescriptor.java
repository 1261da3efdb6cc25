package io.jmio.poll.kqueue;

import java.nio.ByteBuffer;

/**
 * The layout of {@code struct timespec} on the 64-bit BSDs and macOS ({@code time_t} and {@code long}
 * are both 64-bit there; NetBSD's {@code __kevent50} takes this 64-bit {@code time_t} version).
 *
 * <pre>
 *   0                 8                 16
 *   +-----------------+-----------------+
 *   | tv_sec (time_t) | tv_nsec (long)  |
 *   +-----------------+-----------------+
 * </pre>
 *
 * <p>Threading: constants and stateless helpers.
 */
final class TimespecDescriptor {
    /** Size of one {@code struct timespec}. */
    static final int SIZE = 16;
    /** Offset of {@code tv_sec}. */
    static final int TV_SEC_OFFSET = 0;
    /** Offset of {@code tv_nsec}. */
    static final int TV_NSEC_OFFSET = 8;
    /**
     * The most seconds {@link #put} writes: XNU refuses {@code tv_sec > INT32_MAX} with {@code EINVAL}
     * ({@code timespec_is_valid}, bsd/kern/kern_time.c), and macOS 10.14 and older refused above
     * 100,000,000 ({@code itimerfix}); 100,000,000 s (about 3.2 years) is accepted by every kqueue.
     */
    static final long MAX_SECONDS = 100_000_000L;

    private TimespecDescriptor() {
    }

    /**
     * Stores a non-negative duration exactly, to the nanosecond, up to {@link #MAX_SECONDS}; a longer
     * one is stored as {@link #MAX_SECONDS} (the wait then ends early, a legal spurious return).
     *
     * @param buffer native memory of at least {@link #SIZE} bytes
     * @param nanos  the duration, at least 0
     */
    static void put(ByteBuffer buffer, long nanos) {
        long seconds = nanos / 1_000_000_000L;
        if (seconds >= MAX_SECONDS) {
            buffer.putLong(TV_SEC_OFFSET, MAX_SECONDS);
            buffer.putLong(TV_NSEC_OFFSET, 0);
        } else {
            buffer.putLong(TV_SEC_OFFSET, seconds);
            buffer.putLong(TV_NSEC_OFFSET, nanos % 1_000_000_000L);
        }
    }

    /** @return the duration stored in {@code buffer}, in nanoseconds */
    static long nanos(ByteBuffer buffer) {
        return buffer.getLong(TV_SEC_OFFSET) * 1_000_000_000L + buffer.getLong(TV_NSEC_OFFSET);
    }
}
