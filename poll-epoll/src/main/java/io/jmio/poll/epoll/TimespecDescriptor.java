package io.jmio.poll.epoll;

/**
 * The layout of {@code struct timespec} on 64-bit Linux, the timeout of {@code epoll_pwait2}.
 *
 * <pre>
 * struct timespec {
 *     time_t tv_sec;    offset 0, 8 bytes
 *     long   tv_nsec;   offset 8, 8 bytes (0 to 999,999,999)
 * };                    size 16
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class TimespecDescriptor {
    /** Size of one {@code struct timespec}. */
    static final int SIZE = 16;
    /** Offset of {@code tv_sec}. */
    static final int TV_SEC_OFFSET = 0;
    /** Offset of {@code tv_nsec}. */
    static final int TV_NSEC_OFFSET = 8;

    private TimespecDescriptor() {
    }
}
