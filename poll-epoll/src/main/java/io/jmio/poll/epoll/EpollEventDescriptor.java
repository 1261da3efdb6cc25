package io.jmio.poll.epoll;

/**
 * The layout of {@code struct epoll_event}.
 *
 * <pre>
 * struct epoll_event {          x86_64 (packed)     aarch64 and others
 *     uint32_t     events;      offset 0, 4 bytes   offset 0, 4 bytes
 *                               (no padding)        4 bytes padding
 *     epoll_data_t data;        offset 4, 8 bytes   offset 8, 8 bytes
 * };                            size 12             size 16
 * </pre>
 *
 * <p>glibc declares the struct {@code __attribute__((packed))} on x86_64 only (to match the i386
 * kernel ABI); elsewhere the 64-bit {@code data} union is naturally aligned. jmio keeps the token in
 * {@code data} as a {@code u64}.
 *
 * <p>Threading: constants only.
 */
final class EpollEventDescriptor {
    /** True on x86_64, where the struct is packed. */
    static final boolean PACKED = isPacked(System.getProperty("os.arch", ""));
    /** Size of one {@code struct epoll_event}. */
    static final int SIZE = PACKED ? 12 : 16;
    /** Offset of {@code events}. */
    static final int EVENTS_OFFSET = 0;
    /** Offset of {@code data}. */
    static final int DATA_OFFSET = PACKED ? 4 : 8;

    private EpollEventDescriptor() {
    }

    static boolean isPacked(String osArch) {
        return osArch.equals("amd64") || osArch.equals("x86_64");
    }
}
