package io.jmio.poll.uring;

/**
 * The layout of {@code struct io_uring_cqe} (16 bytes, without {@code IORING_SETUP_CQE32}):
 *
 * <pre>
 *  0  __u64 user_data;   the submission's user_data, unchanged
 *  8  __s32 res;         a poll: the ready events (EPOLL* bits); a failure: -errno
 * 12  __u32 flags;       IORING_CQE_F_MORE: a multishot request stays armed
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class CqeDescriptor {
    static final int SIZE = 16;
    static final int USER_DATA = 0;
    static final int RES = 8;
    static final int FLAGS = 12;

    private CqeDescriptor() {
    }
}
