package io.jmio.poll.posix;

/**
 * Layout of {@code struct sockaddr_in} (IPv4), 16 bytes on every Unix; the first two bytes are the
 * family header of {@link SockaddrLayout}.
 *
 * <pre>
 *  0        2        4                 8                                 16
 *  +--------+--------+-----------------+---------------------------------+
 *  | header |sin_port|    sin_addr     |            sin_zero             |
 *  |        | u16 BE |  4 bytes, BE    |            8 bytes              |
 *  +--------+--------+-----------------+---------------------------------+
 * </pre>
 *
 * <p>Threading: constants only.
 */
public final class SockaddrInDescriptor {
    /** Offset of {@code sin_port}, network byte order. */
    public static final int PORT_OFFSET = 2;
    /** Offset of {@code sin_addr}, network byte order. */
    public static final int ADDR_OFFSET = 4;
    /** Offset of {@code sin_zero}. */
    public static final int ZERO_OFFSET = 8;
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SIZE = 16;

    private SockaddrInDescriptor() {
    }
}
