package io.jmio.poll.posix;

/**
 * Layout of {@code struct sockaddr_in6} (IPv6), 28 bytes on every Unix; the first two bytes are the
 * family header of {@link SockaddrLayout}.
 *
 * <pre>
 *  0        2        4                 8                                              24               28
 *  +--------+--------+-----------------+----------------------------------------------+----------------+
 *  | header |sin6_   | sin6_flowinfo   |                 sin6_addr                    | sin6_scope_id  |
 *  |        |port BE |   u32 BE        |                 16 bytes                     |  u32 host order|
 *  +--------+--------+-----------------+----------------------------------------------+----------------+
 * </pre>
 *
 * <p>Threading: constants only.
 */
public final class SockaddrIn6Descriptor {
    /** Offset of {@code sin6_port}, network byte order. */
    public static final int PORT_OFFSET = 2;
    /** Offset of {@code sin6_flowinfo}. */
    public static final int FLOWINFO_OFFSET = 4;
    /** Offset of {@code sin6_addr}. */
    public static final int ADDR_OFFSET = 8;
    /** Length of {@code sin6_addr}. */
    public static final int ADDR_LENGTH = 16;
    /** Offset of {@code sin6_scope_id}. */
    public static final int SCOPE_ID_OFFSET = 24;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int SIZE = 28;

    private SockaddrIn6Descriptor() {
    }
}
