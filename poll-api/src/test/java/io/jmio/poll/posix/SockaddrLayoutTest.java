package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Pins the {@code sockaddr} and {@code msghdr} layouts of both ABIs, byte by byte, and the per-OS
 * constants that differ, so that the kqueue backend's BSD layout is checked on Linux too.
 */
class SockaddrLayoutTest {
    private static final Sockaddr LINUX = new Sockaddr(SockaddrLayout.LINUX, SocketConstants.forPlatform(Platform.LINUX));
    private static final Sockaddr MACOS = new Sockaddr(SockaddrLayout.BSD, SocketConstants.forPlatform(Platform.DARWIN));
    private static final Sockaddr FREEBSD = new Sockaddr(SockaddrLayout.BSD, SocketConstants.forPlatform(Platform.FREEBSD));

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(Sockaddr.STORAGE_SIZE + 8).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void shouldPinStructSizesAndOffsets() {
        assertEquals(16, SockaddrInDescriptor.SIZE);
        assertEquals(2, SockaddrInDescriptor.PORT_OFFSET);
        assertEquals(4, SockaddrInDescriptor.ADDR_OFFSET);
        assertEquals(28, SockaddrIn6Descriptor.SIZE);
        assertEquals(8, SockaddrIn6Descriptor.ADDR_OFFSET);
        assertEquals(24, SockaddrIn6Descriptor.SCOPE_ID_OFFSET);
        assertEquals(110, SockaddrUnDescriptor.size(SockaddrLayout.LINUX));
        assertEquals(106, SockaddrUnDescriptor.size(SockaddrLayout.BSD));
        assertEquals(56, MsghdrDescriptor.forLayout(SockaddrLayout.LINUX).size());
        assertEquals(48, MsghdrDescriptor.forLayout(SockaddrLayout.LINUX).flagsOffset());
        assertEquals(48, MsghdrDescriptor.forLayout(SockaddrLayout.BSD).size());
        assertEquals(44, MsghdrDescriptor.forLayout(SockaddrLayout.BSD).flagsOffset());
        assertEquals(SockaddrLayout.LINUX, SockaddrLayout.forPlatform(Platform.LINUX));
        assertEquals(SockaddrLayout.BSD, SockaddrLayout.forPlatform(Platform.DARWIN));
        assertEquals(SockaddrLayout.BSD, SockaddrLayout.forPlatform(Platform.FREEBSD));
    }

    @Test
    void shouldEncodeIpv4InBothLayouts() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1f90);
        ByteBuffer linux = buffer();
        assertEquals(16, LINUX.putInet(linux, 0, a));
        assertArrayEquals(new byte[] {2, 0, 0x1f, (byte) 0x90, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOf(linux.array(), 16));
        ByteBuffer bsd = buffer();
        assertEquals(16, MACOS.putInet(bsd, 0, a));
        assertArrayEquals(new byte[] {16, 2, 0x1f, (byte) 0x90, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOf(bsd.array(), 16));
        assertEquals(a, LINUX.getInet(linux, 0));
        assertEquals(a, MACOS.getInet(bsd, 0));
    }

    @Test
    void shouldEncodeIpv6WithEachOsFamily() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 443);
        ByteBuffer linux = buffer();
        assertEquals(28, LINUX.putInet(linux, 0, a));
        assertEquals(10, linux.getShort(0));
        assertEquals(1, linux.get(SockaddrIn6Descriptor.ADDR_OFFSET + 15));
        ByteBuffer mac = buffer();
        MACOS.putInet(mac, 0, a);
        assertEquals(28, mac.get(0));
        assertEquals(30, mac.get(1));
        ByteBuffer freebsd = buffer();
        FREEBSD.putInet(freebsd, 0, a);
        assertEquals(28, freebsd.get(1));
        assertEquals(a, LINUX.getInet(linux, 0));
        assertEquals(a, MACOS.getInet(mac, 0));
        assertEquals(a, FREEBSD.getInet(freebsd, 0));
        assertEquals(null, LINUX.getInet(mac, 0), "a BSD header is no Linux family");
    }

    @Test
    void shouldEncodeUnixPathsInUtf8BytesWithEachOsLimit() {
        String path = "/tmp/\u00e9t\u00e9.sock"; // 2 two-byte characters: 14 bytes, 12 chars
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer linux = buffer();
        int len = LINUX.putUnix(linux, 0, utf8, false);
        assertEquals(2 + utf8.length + 1, len);
        assertEquals(1, linux.getShort(0));
        assertArrayEquals(utf8, LINUX.getUnixName(linux, 0, len));
        assertFalse(LINUX.isAbstractUnix(linux, 0, len));
        ByteBuffer bsd = buffer();
        len = MACOS.putUnix(bsd, 0, utf8, false);
        assertEquals(len, bsd.get(0));
        assertEquals(1, bsd.get(1));
        assertArrayEquals(utf8, MACOS.getUnixName(bsd, 0, len));

        assertEquals(107, LINUX.maxUnixNameBytes());
        assertEquals(103, MACOS.maxUnixNameBytes());
        byte[] fitsLinuxOnly = new byte[105];
        java.util.Arrays.fill(fitsLinuxOnly, (byte) 'a');
        LINUX.putUnix(buffer(), 0, fitsLinuxOnly, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MACOS.putUnix(buffer(), 0, fitsLinuxOnly, false));
        assertTrue(e.getMessage().contains("105 bytes") && e.getMessage().contains("103"), e.getMessage());
    }

    @Test
    void shouldEncodeAbstractNamesWithLeadingNul() {
        byte[] name = "jmio-test".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer linux = buffer();
        int len = LINUX.putUnix(linux, 0, name, true);
        assertEquals(2 + 1 + name.length, len);
        assertEquals(0, linux.get(2));
        assertTrue(LINUX.isAbstractUnix(linux, 0, len));
        assertArrayEquals(name, LINUX.getUnixName(linux, 0, len));
        assertEquals(0, LINUX.getUnixName(linux, 0, 2).length, "unnamed: only the family");
    }

    @Test
    void shouldPinConstantsThatDifferByOs() {
        SocketConstants linux = SocketConstants.forPlatform(Platform.LINUX);
        SocketConstants mac = SocketConstants.forPlatform(Platform.DARWIN);
        SocketConstants freebsd = SocketConstants.forPlatform(Platform.FREEBSD);
        assertEquals(1, linux.solSocket);
        assertEquals(0xffff, mac.solSocket);
        assertEquals(4, linux.soError);
        assertEquals(0x1007, mac.soError);
        assertEquals(10, linux.afInet6);
        assertEquals(30, mac.afInet6);
        assertEquals(28, freebsd.afInet6);
        assertEquals(0x800, linux.sockNonBlock);
        assertEquals(0x80000, linux.sockCloexec);
        assertEquals(SocketConstants.NONE, mac.sockNonBlock);
        assertEquals(0x20000000, freebsd.sockNonBlock);
        assertEquals(0x4000, SocketConstants.forPlatform(Platform.OPENBSD).sockNonBlock);
        assertEquals(0x8000, SocketConstants.forPlatform(Platform.OPENBSD).sockCloexec);
        assertEquals(0x4000, linux.msgNoSignal);
        assertEquals(0, mac.msgNoSignal);
        assertEquals(0x1022, mac.soNoSigPipe);
        assertEquals(SocketConstants.NONE, linux.soNoSigPipe);
        assertEquals(0x20, linux.msgTrunc);
        assertEquals(0x10, mac.msgTrunc);
        assertEquals(20, linux.ipv6JoinGroup);
        assertEquals(12, mac.ipv6JoinGroup);
        if (Platform.current() == Platform.LINUX) {
            assertEquals(Posix.O_NONBLOCK, linux.sockNonBlock, "on Linux SOCK_NONBLOCK is O_NONBLOCK");
        }
    }
}
