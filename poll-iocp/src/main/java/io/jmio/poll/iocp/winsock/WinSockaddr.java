package io.jmio.poll.iocp.winsock;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The Winsock socket-address layouts ({@code ws2def.h}, {@code ws2ipdef.h}): no {@code sin_len} byte
 * (unlike the BSDs), a 16-bit family, and {@code AF_INET6} = 23 (Linux: 10, BSD: 24 or 28). Ports and
 * addresses are in network byte order; the family and {@code sin6_scope_id} in the host's
 * (little-endian on every Windows jmio runs on).
 *
 * <pre>
 * sockaddr_in (16 bytes)                 sockaddr_in6 (28 bytes)
 * +0  u16 sin_family = AF_INET (2)        +0  u16 sin6_family = AF_INET6 (23)
 * +2  u16 sin_port    (big-endian)        +2  u16 sin6_port     (big-endian)
 * +4  u8[4] sin_addr                      +4  u32 sin6_flowinfo
 * +8  u8[8] sin_zero                      +8  u8[16] sin6_addr
 *                                         +24 u32 sin6_scope_id
 * </pre>
 *
 * <p>Threading: stateless.
 */
final class WinSockaddr {
    static final int AF_INET = 2;
    static final int AF_INET6 = 23;

    static final int FAMILY_OFFSET = 0;
    static final int PORT_OFFSET = 2;
    static final int IN_ADDR_OFFSET = 4;
    static final int IN_SIZE = 16;
    static final int IN6_FLOWINFO_OFFSET = 4;
    static final int IN6_ADDR_OFFSET = 8;
    static final int IN6_SCOPE_ID_OFFSET = 24;
    static final int IN6_SIZE = 28;
    /** {@code sizeof(SOCKADDR_STORAGE)}: room for any address. */
    static final int STORAGE_SIZE = 128;

    private WinSockaddr() {
    }

    /**
     * Writes {@code address} at {@code offset} of a native-order buffer.
     *
     * @return the length to pass as {@code namelen}
     */
    static int put(ByteBuffer buf, int offset, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        byte[] bytes = ip.getAddress();
        int port = address.getPort();
        if (ip instanceof Inet4Address) {
            buf.putShort(offset + FAMILY_OFFSET, (short) AF_INET);
            putPort(buf, offset, port);
            for (int i = 0; i < 4; i++) {
                buf.put(offset + IN_ADDR_OFFSET + i, bytes[i]);
            }
            buf.putLong(offset + 8, 0);
            return IN_SIZE;
        }
        buf.putShort(offset + FAMILY_OFFSET, (short) AF_INET6);
        putPort(buf, offset, port);
        buf.putInt(offset + IN6_FLOWINFO_OFFSET, 0);
        for (int i = 0; i < 16; i++) {
            buf.put(offset + IN6_ADDR_OFFSET + i, bytes[i]);
        }
        buf.putInt(offset + IN6_SCOPE_ID_OFFSET, ((Inet6Address) ip).getScopeId());
        return IN6_SIZE;
    }

    /**
     * Reads the address at {@code offset} (allocates it).
     *
     * @throws IllegalStateException if the family is neither {@code AF_INET} nor {@code AF_INET6}
     */
    static InetSocketAddress get(ByteBuffer buf, int offset) {
        int family = buf.getShort(offset + FAMILY_OFFSET) & 0xFFFF;
        int port = ((buf.get(offset + PORT_OFFSET) & 0xFF) << 8) | (buf.get(offset + PORT_OFFSET + 1) & 0xFF);
        try {
            if (family == AF_INET) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = buf.get(offset + IN_ADDR_OFFSET + i);
                }
                return new InetSocketAddress(InetAddress.getByAddress(b), port);
            }
            if (family == AF_INET6) {
                byte[] b = new byte[16];
                for (int i = 0; i < 16; i++) {
                    b[i] = buf.get(offset + IN6_ADDR_OFFSET + i);
                }
                int scope = buf.getInt(offset + IN6_SCOPE_ID_OFFSET);
                return new InetSocketAddress(scope != 0 ? Inet6Address.getByAddress(null, b, scope)
                        : InetAddress.getByAddress(b), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("malformed address bytes", e);
        }
        throw new IllegalStateException("not an internet address: sa_family " + family);
    }

    private static void putPort(ByteBuffer buf, int offset, int port) {
        buf.put(offset + PORT_OFFSET, (byte) (port >>> 8));
        buf.put(offset + PORT_OFFSET + 1, (byte) port);
    }
}
