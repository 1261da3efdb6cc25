package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The BSD socket byte layouts the kqueue backend's socket layer writes and reads, pinned on any OS
 * against the headers (XNU {@code bsd/sys/socket.h}, {@code bsd/sys/un.h}, {@code bsd/netinet/in.h},
 * {@code bsd/netinet6/in6.h}; FreeBSD {@code sys/sys/socket.h}, {@code sys/sys/un.h},
 * {@code sys/netinet/in.h}, {@code sys/netinet6/in6.h}), in both directions: what jmio encodes, byte
 * for byte, and what it decodes from the bytes a kernel returns. On Linux nothing else exercises them:
 * the sockets under the kqueue emulation are Linux's.
 */
class BsdSocketLayoutTest {
    private static final Sockaddr MACOS = new Sockaddr(SockaddrLayout.BSD, SocketConstants.forPlatform(Platform.DARWIN));
    private static final Sockaddr FREEBSD = new Sockaddr(SockaddrLayout.BSD, SocketConstants.forPlatform(Platform.FREEBSD));
    private static final MsghdrDescriptor MSGHDR = MsghdrDescriptor.forLayout(SockaddrLayout.BSD);

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = buffer(Sockaddr.STORAGE_SIZE);
        for (int i = 0; i < values.length; i++) {
            b.put(i, (byte) values[i]);
        }
        return b;
    }

    private static byte[] head(ByteBuffer b, int n) {
        return Arrays.copyOf(b.array(), n);
    }

    @Test
    void shouldEncodeAndDecodeSockaddrInWithSinLen() throws Exception {
        // struct sockaddr_in { u8 sin_len; u8 sin_family; u16 sin_port; struct in_addr sin_addr; char sin_zero[8]; }
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
        byte[] expected = {16, 2, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        for (Sockaddr codec : new Sockaddr[] {MACOS, FREEBSD}) {
            ByteBuffer b = buffer(Sockaddr.STORAGE_SIZE);
            assertEquals(16, codec.putInet(b, 0, a));
            assertArrayEquals(expected, head(b, 16));
        }
        ByteBuffer fromKernel = bytes(16, 2, 0x01, 0xbb, 10, 0, 0, 7);
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.0.0.7"), 443), MACOS.getInet(fromKernel, 0));
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.0.0.7"), 443), FREEBSD.getInet(fromKernel, 0));
    }

    @Test
    void shouldEncodeAndDecodeSockaddrIn6WithEachOsFamily() throws Exception {
        // struct sockaddr_in6 { u8 sin6_len; u8 sin6_family; u16 sin6_port; u32 sin6_flowinfo;
        //                       struct in6_addr sin6_addr; u32 sin6_scope_id; }: 28 bytes
        byte[] ip = new byte[16];
        ip[0] = (byte) 0xfe;
        ip[1] = (byte) 0x80;
        ip[15] = 5;
        InetSocketAddress a = new InetSocketAddress(Inet6Address.getByAddress(null, ip, 3), 0x1234);
        int[][] cases = {{30, 0}, {28, 1}}; // AF_INET6: 30 on macOS (bsd/sys/socket.h), 28 on FreeBSD
        Sockaddr[] codecs = {MACOS, FREEBSD};
        for (int c = 0; c < 2; c++) {
            ByteBuffer b = buffer(Sockaddr.STORAGE_SIZE);
            assertEquals(28, codecs[c].putInet(b, 0, a));
            byte[] expected = new byte[28];
            expected[0] = 28;
            expected[1] = (byte) cases[c][0];
            expected[2] = 0x12;
            expected[3] = 0x34;
            System.arraycopy(ip, 0, expected, 8, 16);
            expected[24] = 3; // scope id, host (little-endian) order
            assertArrayEquals(expected, head(b, 28), "AF_INET6 = " + cases[c][0]);
            assertEquals(a, codecs[c].getInet(ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN), 0));
        }
        ByteBuffer macLoopback = bytes(28, 30, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 80), MACOS.getInet(macLoopback, 0));
        assertEquals(null, FREEBSD.getInet(macLoopback, 0), "30 is no address family on FreeBSD");
    }

    @Test
    void shouldEncodeAndDecodeSockaddrUnWithSunLen() {
        // struct sockaddr_un { u8 sun_len; u8 sun_family; char sun_path[104]; }
        byte[] path = "/tmp/j.sock".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = buffer(Sockaddr.STORAGE_SIZE);
        int len = MACOS.putUnix(b, 0, path, false);
        assertEquals(2 + path.length + 1, len);
        assertEquals(len, b.get(0), "sun_len: the length passed to the kernel");
        assertEquals(1, b.get(1), "AF_UNIX");
        assertArrayEquals(path, Arrays.copyOfRange(b.array(), 2, 2 + path.length));
        assertEquals(0, b.get(2 + path.length), "NUL-terminated");
        assertEquals(106, SockaddrUnDescriptor.size(SockaddrLayout.BSD));
        // getsockname of a bound socket on FreeBSD: sun_len as given to bind, then the path
        ByteBuffer fromKernel = bytes(14, 1, '/', 't', 'm', 'p', '/', 'j', '.', 's', 'o', 'c', 'k');
        assertArrayEquals(path, FREEBSD.getUnixName(fromKernel, 0, 14));
        assertFalse(FREEBSD.isAbstractUnix(fromKernel, 0, 14));
    }

    @Test
    void shouldDecodeTheBsdUnnamedAddressAsUnnamedNotAbstract() {
        // XNU and FreeBSD uipc_usrreq.c: an unbound socket's address is sun_noname, a 16-byte struct
        // sockaddr with sa_len 16, AF_LOCAL and zeros (from getsockname, getpeername, accept, recvmsg).
        ByteBuffer noname = bytes(16, 1);
        for (Sockaddr codec : new Sockaddr[] {MACOS, FREEBSD}) {
            assertFalse(codec.isAbstractUnix(noname, 0, 16), "the BSDs have no abstract namespace");
            assertEquals(0, codec.getUnixName(noname, 0, 16).length, "sun_noname has no name");
            assertEquals(0, codec.getUnixName(noname, 0, 2).length);
            assertEquals(0, codec.getUnixName(noname, 0, 0).length);
        }
    }

    @Test
    void shouldPinTheFortyEightByteMsghdrBothWays() {
        // struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; int msg_iovlen;
        //                 void *msg_control; socklen_t msg_controllen; int msg_flags; }
        assertEquals(48, MSGHDR.size());
        ByteBuffer b = buffer(64);
        for (int i = 0; i < 64; i++) {
            b.put(i, (byte) 0x5a);
        }
        MSGHDR.put(b, 0, 0x1122334455667788L, 128, 0x0102030405060708L, 3);
        assertEquals(0x1122334455667788L, b.getLong(0), "msg_name");
        assertEquals(128, b.getInt(8), "msg_namelen");
        assertEquals(0, b.getInt(12), "padding");
        assertEquals(0x0102030405060708L, b.getLong(16), "msg_iov");
        assertEquals(3, b.getInt(24), "msg_iovlen is an int");
        assertEquals(0, b.getInt(28), "padding");
        assertEquals(0, b.getLong(32), "msg_control");
        assertEquals(0, b.getInt(40), "msg_controllen is a u32");
        assertEquals(0, b.getInt(44), "msg_flags");
        assertEquals(0x5a, b.get(48), "nothing written past 48 bytes");
        b.putInt(44, 0x10); // MSG_TRUNC on the BSDs
        b.putInt(8, 16);
        assertEquals(0x10, MSGHDR.flags(b, 0));
        assertEquals(SocketConstants.forPlatform(Platform.DARWIN).msgTrunc, MSGHDR.flags(b, 0));
        assertEquals(SocketConstants.forPlatform(Platform.FREEBSD).msgTrunc, MSGHDR.flags(b, 0));
        assertEquals(16, MSGHDR.nameLength(b, 0));
    }

    @Test
    void shouldPinLingerAndMembershipRequests() throws Exception {
        // struct linger { int l_onoff; int l_linger; } (SO_LINGER_SEC on macOS, seconds)
        ByteBuffer b = buffer(32);
        SockoptDescriptor.putLinger(b, 4, 7);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0}, head(b, 12));
        assertEquals(7, SockoptDescriptor.lingerSeconds(b, 4));
        SockoptDescriptor.putLinger(b, 4, -1);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, head(b, 12));
        assertEquals(-1, SockoptDescriptor.lingerSeconds(b, 4), "l_onoff 0: off");
        assertEquals(8, SockoptDescriptor.LINGER_SIZE);
        // struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; }
        ByteBuffer m = buffer(32);
        SockoptDescriptor.putIpMreq(m, 0, (Inet4Address) InetAddress.getByName("239.1.2.3"),
                (Inet4Address) InetAddress.getByName("127.0.0.1"));
        assertArrayEquals(new byte[] {(byte) 239, 1, 2, 3, 127, 0, 0, 1}, head(m, 8));
        assertEquals(8, SockoptDescriptor.IP_MREQ_SIZE);
        // struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; }
        ByteBuffer m6 = buffer(32);
        SockoptDescriptor.putIpv6Mreq(m6, 0, InetAddress.getByName("ff02::1"), 4);
        byte[] expected = new byte[20];
        expected[0] = (byte) 0xff;
        expected[1] = 2;
        expected[15] = 1;
        expected[16] = 4;
        assertArrayEquals(expected, head(m6, 20));
        assertEquals(20, SockoptDescriptor.IPV6_MREQ_SIZE);
    }

    @Test
    void shouldPinTheBsdErrnoAndOptionNumbersThatDifferBetweenTheBsds() {
        assertEquals(89, Errno.forPlatform(Platform.DARWIN).number("ECANCELED"));
        assertEquals(85, Errno.forPlatform(Platform.FREEBSD).number("ECANCELED"));
        assertEquals(85, Errno.forPlatform(Platform.DRAGONFLY).number("ECANCELED"));
        assertEquals(87, Errno.forPlatform(Platform.NETBSD).number("ECANCELED"));
        assertEquals(88, Errno.forPlatform(Platform.OPENBSD).number("ECANCELED"));
        assertEquals(0x10, SocketConstants.forPlatform(Platform.DARWIN).tcpKeepIdle, "TCP_KEEPALIVE");
        assertEquals(256, SocketConstants.forPlatform(Platform.FREEBSD).tcpKeepIdle);
        assertEquals(256, SocketConstants.forPlatform(Platform.DRAGONFLY).tcpKeepIdle);
        assertEquals(3, SocketConstants.forPlatform(Platform.NETBSD).tcpKeepIdle);
        assertEquals(SocketConstants.NONE, SocketConstants.forPlatform(Platform.OPENBSD).tcpKeepIdle);
    }
}
