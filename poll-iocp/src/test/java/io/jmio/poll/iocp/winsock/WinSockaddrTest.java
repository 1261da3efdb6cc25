package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmio.poll.posix.NativeMemory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/**
 * Pins the Winsock {@code sockaddr_in} and {@code sockaddr_in6} layouts ({@code ws2def.h},
 * {@code ws2ipdef.h}) byte for byte: they run only on Windows, so these values are checked here against
 * the headers' definitions rather than against a live kernel.
 */
class WinSockaddrTest {
    private static ByteBuffer buffer() {
        ByteBuffer b = NativeMemory.allocate(WinSockaddr.STORAGE_SIZE);
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order(), "every Windows jmio runs on is little-endian; so is this test's host");
        return b;
    }

    @Test
    void shouldPinSizesOffsetsAndFamilies() {
        assertEquals(2, WinSockaddr.AF_INET);
        assertEquals(23, WinSockaddr.AF_INET6);
        assertEquals(16, WinSockaddr.IN_SIZE);
        assertEquals(28, WinSockaddr.IN6_SIZE);
        assertEquals(128, WinSockaddr.STORAGE_SIZE);
        assertEquals(0, WinSockaddr.FAMILY_OFFSET);
        assertEquals(2, WinSockaddr.PORT_OFFSET);
        assertEquals(4, WinSockaddr.IN_ADDR_OFFSET);
        assertEquals(4, WinSockaddr.IN6_FLOWINFO_OFFSET);
        assertEquals(8, WinSockaddr.IN6_ADDR_OFFSET);
        assertEquals(24, WinSockaddr.IN6_SCOPE_ID_OFFSET);
    }

    @Test
    void shouldEncodeIpv4WithoutLengthByte() throws Exception {
        ByteBuffer b = buffer();
        b.put(8, (byte) 0x55); // sin_zero must be cleared
        int len = WinSockaddr.put(b, 0, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        assertEquals(16, len);
        byte[] bytes = new byte[16];
        b.get(0, bytes);
        assertArrayEquals(new byte[] {2, 0, 0x1F, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, bytes);
    }

    @Test
    void shouldEncodeIpv6WithFamily23AndScope() throws Exception {
        ByteBuffer b = buffer();
        Inet6Address linkLocal = Inet6Address.getByAddress(null,
                InetAddress.getByName("fe80::1").getAddress(), 7);
        int len = WinSockaddr.put(b, 0, new InetSocketAddress(linkLocal, 443));
        assertEquals(28, len);
        assertEquals(23, b.get(0));
        assertEquals(0, b.get(1));
        assertEquals(0x01, b.get(2));
        assertEquals((byte) 0xBB, b.get(3));
        assertEquals(0, b.getInt(4), "flowinfo");
        assertEquals((byte) 0xFE, b.get(8));
        assertEquals((byte) 0x80, b.get(9));
        assertEquals(1, b.get(23));
        assertEquals(7, b.getInt(24), "scope id, host order");
    }

    @Test
    void shouldRoundTripBothFamilies() throws Exception {
        ByteBuffer b = buffer();
        for (String host : new String[] {"127.0.0.1", "10.1.2.3", "::1", "2001:db8::42"}) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), 65535);
            WinSockaddr.put(b, 16, a);
            assertEquals(a, WinSockaddr.get(b, 16), host);
        }
    }

    @Test
    void shouldRefuseAnotherFamily() {
        ByteBuffer b = buffer();
        b.putShort(0, (short) 10); // Linux's AF_INET6 is not Windows'
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WinSockaddr.get(b, 0));
        assertEquals("not an internet address: sa_family 10", e.getMessage());
    }
}
