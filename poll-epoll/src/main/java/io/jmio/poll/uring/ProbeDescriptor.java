package io.jmio.poll.uring;

/**
 * The layout of {@code struct io_uring_probe} and {@code struct io_uring_probe_op}, filled by
 * {@code io_uring_register(IORING_REGISTER_PROBE)} (Linux 5.6):
 *
 * <pre>
 * struct io_uring_probe {             struct io_uring_probe_op {
 *  0  __u8  last_op;                    0  __u8  op;
 *  1  __u8  ops_len;                    1  __u8  resv;
 *  2  __u16 resv;                       2  __u16 flags;   IO_URING_OP_SUPPORTED = 1
 *  4  __u32 resv2[3];                   4  __u32 resv2;
 * 16  struct io_uring_probe_op ops[];                     8
 * };
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class ProbeDescriptor {
    static final int HEADER_SIZE = 16;
    static final int OP_SIZE = 8;
    static final int LAST_OP = 0;
    static final int OPS_LEN = 1;
    static final int OP_FLAGS = 2;
    static final int IO_URING_OP_SUPPORTED = 1;
    /** Entries jmio asks for: every opcode a u8 can name. */
    static final int OPS = 256;
    static final int SIZE = HEADER_SIZE + OPS * OP_SIZE;

    private ProbeDescriptor() {
    }
}
