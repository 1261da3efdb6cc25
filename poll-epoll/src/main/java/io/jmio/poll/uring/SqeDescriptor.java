package io.jmio.poll.uring;

/**
 * The layout of {@code struct io_uring_sqe} (64 bytes), the fields jmio writes, from
 * {@code linux/io_uring.h}:
 *
 * <pre>
 *  0  __u8  opcode;          24  __u32 len;              (poll: IORING_POLL_* flags; timeout: 1)
 *  1  __u8  flags;           28  __u32 poll32_events;    (also timeout_flags, rw_flags: one union)
 *  2  __u16 ioprio;          32  __u64 user_data;        (handed back in the completion)
 *  4  __s32 fd;              40  __u16 buf_index;  42 __u16 personality;  44 __s32 file_index;
 *  8  __u64 off;             48  __u64 addr3;
 * 16  __u64 addr;            56  __u64 __pad2[1];
 * </pre>
 *
 * <p>A slot is zeroed whole before it is filled, as the kernel refuses non-zero reserved fields.
 *
 * <p>Threading: constants only.
 */
final class SqeDescriptor {
    static final int SIZE = 64;
    static final int OPCODE = 0;
    static final int FLAGS = 1;
    static final int IOPRIO = 2;
    static final int FD = 4;
    static final int OFF = 8;
    static final int ADDR = 16;
    static final int LEN = 24;
    static final int OP_FLAGS = 28;
    static final int USER_DATA = 32;
    /** {@code buf_group} (a union with {@code buf_index}): the provided-buffer group of {@code IOSQE_BUFFER_SELECT}. */
    static final int BUF_GROUP = 40;

    private SqeDescriptor() {
    }
}
