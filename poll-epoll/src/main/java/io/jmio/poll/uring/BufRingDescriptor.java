package io.jmio.poll.uring;

/**
 * The layout of a provided-buffer ring (Linux 5.19), for the completion API that builds on this
 * binding: {@code struct io_uring_buf} entries, whose first entry's reserved field is the ring's tail,
 * and {@code struct io_uring_buf_reg}, the argument of {@code IORING_REGISTER_PBUF_RING}.
 *
 * <pre>
 * struct io_uring_buf {          struct io_uring_buf_ring {        struct io_uring_buf_reg {
 *  0  __u64 addr;                  (an array of io_uring_buf;        0  __u64 ring_addr;
 *  8  __u32 len;                    the __u16 at offset 14 of        8  __u32 ring_entries;
 * 12  __u16 bid;                    entry 0 is the tail)            12  __u16 bgid;
 * 14  __u16 resv;                }                                  14  __u16 flags;   (pad before 6.7)
 * };                          16                                    16  __u64 resv[3];  (newer headers:
 *                                                                  };             40    min_left, resv[5])
 * </pre>
 *
 * <p>jmio zeroes {@code flags} and the reserved bytes (no {@code IOU_PBUF_RING_MMAP}: the application
 * provides the ring's memory, which the kernel requires page-aligned and pins whole pages of, Linux
 * 5.19's {@code io_register_pbuf_ring} and 6.18's {@code io_create_region} alike) and writes the tail
 * with a release store after the entries, as the kernel reads it with an acquire load
 * ({@code io_ring_buffer_select}). {@code ring_entries} must be a power of two below 65536.
 *
 * <p>Threading: constants only.
 */
final class BufRingDescriptor {
    static final int BUF_SIZE = 16;
    static final int BUF_ADDR = 0;
    static final int BUF_LEN = 8;
    static final int BUF_BID = 12;
    /** The ring's tail: the reserved field of entry 0. */
    static final int RING_TAIL = 14;
    static final int REG_SIZE = 40;
    static final int REG_RING_ADDR = 0;
    static final int REG_RING_ENTRIES = 8;
    static final int REG_BGID = 12;
    static final int REG_FLAGS = 14;
    static final int IORING_REGISTER_PBUF_RING = 22;
    static final int IORING_UNREGISTER_PBUF_RING = 23;

    private BufRingDescriptor() {
    }
}
