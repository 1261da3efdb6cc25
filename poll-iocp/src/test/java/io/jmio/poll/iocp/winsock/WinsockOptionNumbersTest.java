package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.spi.SocketSystem.Option;

import org.junit.jupiter.api.Test;

/**
 * Winsock's option levels and names behind {@code setOption}, pinned from {@code winsock2.h},
 * {@code ws2def.h} and {@code ws2ipdef.h} ({@code level << 16 | name}); {@code SO_REUSEPORT} does not
 * exist on Windows.
 */
class WinsockOptionNumbersTest {
    private static int ln(int level, int name) {
        return level << 16 | name;
    }

    @Test
    void shouldPinTheNumbers() {
        assertEquals(ln(0xFFFF, 0x0004), WinsockSockets.levelAndName(Option.REUSE_ADDRESS));
        assertEquals(ln(0xFFFF, 0x1002), WinsockSockets.levelAndName(Option.RECEIVE_BUFFER));
        assertEquals(ln(0, 3), WinsockSockets.levelAndName(Option.IP_TOS));
        assertEquals(ln(41, 39), WinsockSockets.levelAndName(Option.IPV6_TCLASS));
        assertEquals(ln(41, 10), WinsockSockets.levelAndName(Option.IPV6_MULTICAST_HOPS));
        assertEquals(ln(41, 27), WinsockSockets.levelAndName(Option.IPV6_V6ONLY));
        assertEquals(ln(6, 3), WinsockSockets.levelAndName(Option.TCP_KEEP_IDLE), "TCP_KEEPALIVE, = TCP_KEEPIDLE");
        assertEquals(ln(6, 17), WinsockSockets.levelAndName(Option.TCP_KEEP_INTERVAL));
        assertEquals(ln(6, 16), WinsockSockets.levelAndName(Option.TCP_KEEP_COUNT));
        assertEquals(-1, WinsockSockets.levelAndName(Option.REUSE_PORT));
    }
}
