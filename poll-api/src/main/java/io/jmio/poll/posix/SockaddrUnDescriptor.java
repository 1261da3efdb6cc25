package io.jmio.poll.posix;

/**
 * Layout of {@code struct sockaddr_un} (Unix-domain), whose path differs in size: 108 bytes on Linux,
 * 104 on macOS and the BSDs.
 *
 * <pre>
 *  0        2                                                       2 + sunPathSize
 *  +--------+-------------------------------------------------------+
 *  | header |  sun_path: UTF-8 bytes, NUL-terminated (pathname), or  |
 *  |        |  NUL + name bytes (Linux abstract namespace)           |
 *  +--------+-------------------------------------------------------+
 *  LINUX: 110 bytes in all          BSD: 106 bytes in all
 * </pre>
 *
 * <p>The length passed to {@code bind}/{@code connect} is {@code PATH_OFFSET + pathBytes + 1} for a
 * pathname (the NUL counted), {@code PATH_OFFSET + 1 + nameBytes} for an abstract name, and
 * {@code PATH_OFFSET} for an unnamed socket, as the kernel reports it back.
 *
 * <p>Threading: constants only.
 */
public final class SockaddrUnDescriptor {
    /** Offset of {@code sun_path}. */
    public static final int PATH_OFFSET = 2;
    /** {@code sizeof(sun_path)} on Linux. */
    public static final int LINUX_PATH_SIZE = 108;
    /** {@code sizeof(sun_path)} on macOS and the BSDs. */
    public static final int BSD_PATH_SIZE = 104;

    private SockaddrUnDescriptor() {
    }

    /**
     * @param layout a layout
     * @return {@code sizeof(struct sockaddr_un)} in that layout
     */
    public static int size(SockaddrLayout layout) {
        return PATH_OFFSET + layout.sunPathSize();
    }
}
