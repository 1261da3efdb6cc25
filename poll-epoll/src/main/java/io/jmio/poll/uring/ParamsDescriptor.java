package io.jmio.poll.uring;

/**
 * The layout of {@code struct io_uring_params} and of the two ring-offset structs inside it, from
 * {@code linux/io_uring.h}; the same on every 64-bit architecture (only fixed-width fields).
 *
 * <pre>
 * struct io_uring_params {              struct io_sqring_offsets {    struct io_cqring_offsets {
 *   0  __u32 sq_entries;                   0  __u32 head;                 0  __u32 head;
 *   4  __u32 cq_entries;                   4  __u32 tail;                 4  __u32 tail;
 *   8  __u32 flags;                        8  __u32 ring_mask;            8  __u32 ring_mask;
 *  12  __u32 sq_thread_cpu;               12  __u32 ring_entries;        12  __u32 ring_entries;
 *  16  __u32 sq_thread_idle;              16  __u32 flags;               16  __u32 overflow;
 *  20  __u32 features;                    20  __u32 dropped;             20  __u32 cqes;
 *  24  __u32 wq_fd;                       24  __u32 array;               24  __u32 flags;
 *  28  __u32 resv[3];                     28  __u32 resv1;               28  __u32 resv1;
 *  40  struct io_sqring_offsets sq_off;   32  __u64 user_addr;           32  __u64 user_addr;
 *  80  struct io_cqring_offsets cq_off; };                    40     };                    40
 * };                                 120
 * </pre>
 *
 * <p>The kernel fills {@code sq_off} and {@code cq_off} with the byte offsets of each field inside the
 * mapped rings; jmio reads them rather than assuming them.
 *
 * <p>Threading: constants only.
 */
final class ParamsDescriptor {
    static final int SIZE = 120;
    static final int SQ_ENTRIES = 0;
    static final int CQ_ENTRIES = 4;
    static final int FLAGS = 8;
    static final int FEATURES = 20;
    static final int SQ_OFF = 40;
    static final int CQ_OFF = 80;
    /** Size of each of {@code io_sqring_offsets} and {@code io_cqring_offsets}. */
    static final int RING_OFFSETS_SIZE = 40;

    /** Fields of {@code io_sqring_offsets}, relative to {@link #SQ_OFF}. */
    static final int SQ_HEAD = 0;
    static final int SQ_TAIL = 4;
    static final int SQ_RING_MASK = 8;
    static final int SQ_RING_ENTRIES = 12;
    static final int SQ_FLAGS = 16;
    static final int SQ_DROPPED = 20;
    static final int SQ_ARRAY = 24;

    /** Fields of {@code io_cqring_offsets}, relative to {@link #CQ_OFF}. */
    static final int CQ_HEAD = 0;
    static final int CQ_TAIL = 4;
    static final int CQ_RING_MASK = 8;
    static final int CQ_RING_ENTRIES = 12;
    static final int CQ_OVERFLOW = 16;
    static final int CQ_CQES = 20;

    private ParamsDescriptor() {
    }
}
