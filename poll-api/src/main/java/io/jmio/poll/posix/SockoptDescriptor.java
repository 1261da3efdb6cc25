package io.jmio.poll.posix;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The socket-option structs {@link PosixSockets} passes to {@code setsockopt}/{@code getsockopt}: the
 * same layout on Linux, macOS and the BSDs (only the option numbers differ, see
 * {@link SocketConstants}).
 *
 * <pre>
 *  struct linger     { int l_onoff; int l_linger; }                                   8 bytes, host order
 *  struct ip_mreq    { struct in_addr imr_multiaddr; struct in_addr imr_interface; }    8 bytes, network order
 *  struct ipv6_mreq  { struct in6_addr ipv6mr_multiaddr; unsigned ipv6mr_interface; }  20 bytes (index in host order)
 * </pre>
 *
 * <p>Threading: stateless.
 */
final class SockoptDescriptor {
    /** {@code sizeof(struct linger)}. */
    static final int LINGER_SIZE = 8;
    /** {@code sizeof(struct ip_mreq)}. */
    static final int IP_MREQ_SIZE = 8;
    /** {@code sizeof(struct ipv6_mreq)}. */
    static final int IPV6_MREQ_SIZE = 20;

    private SockoptDescriptor() {
    }

    /** Writes a {@code struct linger}: on for {@code seconds >= 0}, off (and 0) for a negative value. */
    static void putLinger(ByteBuffer buf, int offset, int seconds) {
        buf.putInt(offset, seconds >= 0 ? 1 : 0);
        buf.putInt(offset + 4, Math.max(seconds, 0));
    }

    /** @return the seconds of a {@code struct linger}, or -1 when it is off */
    static int lingerSeconds(ByteBuffer buf, int offset) {
        return buf.getInt(offset) == 0 ? -1 : buf.getInt(offset + 4);
    }

    /** Writes a {@code struct ip_mreq}. */
    static void putIpMreq(ByteBuffer buf, int offset, Inet4Address group, Inet4Address iface) {
        byte[] g = group.getAddress();
        byte[] i = iface.getAddress();
        for (int k = 0; k < 4; k++) {
            buf.put(offset + k, g[k]);
            buf.put(offset + 4 + k, i[k]);
        }
    }

    /** Writes a {@code struct ipv6_mreq}. */
    static void putIpv6Mreq(ByteBuffer buf, int offset, InetAddress group, int interfaceIndex) {
        byte[] g = group.getAddress();
        for (int k = 0; k < 16; k++) {
            buf.put(offset + k, g[k]);
        }
        buf.putInt(offset + 16, interfaceIndex);
    }
}
