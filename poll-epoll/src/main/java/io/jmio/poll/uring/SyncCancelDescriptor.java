package io.jmio.poll.uring;

/**
 * The layout of {@code struct io_uring_sync_cancel_reg} (64 bytes), the argument of
 * {@code io_uring_register(IORING_REGISTER_SYNC_CANCEL)} (Linux 6.0):
 *
 * <pre>
 *  0  __u64 addr;                        the user_data to match (no IORING_ASYNC_CANCEL_* flag)
 *  8  __s32 fd;
 * 12  __u32 flags;
 * 16  struct __kernel_timespec timeout;  {-1, -1}: no time limit
 * 32  __u8  opcode; __u8 pad[7]; __u64 pad2[3];   (Linux 6.6 headers; before: __u64 pad[4]; all zero here)
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class SyncCancelDescriptor {
    static final int SIZE = 64;
    static final int ADDR = 0;
    static final int FD = 8;
    static final int FLAGS = 12;
    static final int TIMEOUT_SEC = 16;
    static final int TIMEOUT_NSEC = 24;

    private SyncCancelDescriptor() {
    }
}
