package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.contract.JnrBindings;
import io.jmio.poll.spi.SocketSystem.Option;

import org.junit.jupiter.api.Test;

/**
 * The Winsock facade's constants and option table, pinned to {@code winsock2.h}/{@code ws2ipdef.h}; its
 * binding's signatures; and that a Linux process never loads it.
 */
class WinsockSocketsTest {
    @Test
    void shouldPinOptionLevelsAndNames() {
        assertEquals(0xFFFF << 16 | 0x0004, WinsockSockets.levelAndName(Option.REUSE_ADDRESS));
        assertEquals(0xFFFF << 16 | 0x0008, WinsockSockets.levelAndName(Option.KEEP_ALIVE));
        assertEquals(0xFFFF << 16 | 0x1001, WinsockSockets.levelAndName(Option.SEND_BUFFER));
        assertEquals(0xFFFF << 16 | 0x1002, WinsockSockets.levelAndName(Option.RECEIVE_BUFFER));
        assertEquals(0xFFFF << 16 | 0x0020, WinsockSockets.levelAndName(Option.BROADCAST));
        assertEquals(6 << 16 | 1, WinsockSockets.levelAndName(Option.TCP_NO_DELAY));
        assertEquals(4, WinsockSockets.levelAndName(Option.IP_TTL));
        assertEquals(10, WinsockSockets.levelAndName(Option.IP_MULTICAST_TTL));
        assertEquals(11, WinsockSockets.levelAndName(Option.IP_MULTICAST_LOOP));
        assertEquals(41 << 16 | 4, WinsockSockets.levelAndName(Option.IPV6_UNICAST_HOPS));
        assertEquals(41 << 16 | 27, WinsockSockets.levelAndName(Option.IPV6_V6ONLY));
        assertEquals(41 << 16 | 11, WinsockSockets.levelAndName(Option.IPV6_MULTICAST_LOOP));
        for (Option o : Option.values()) {
            WinsockSockets.levelAndName(o); // every portable option has a Winsock mapping
        }
    }

    @Test
    void shouldPinCreationFlagsAndCalls() {
        assertEquals(0x01, WinsockSockets.WSA_FLAG_OVERLAPPED);
        assertEquals(0x80, WinsockSockets.WSA_FLAG_NO_HANDLE_INHERIT);
        assertEquals(0x8004667E, WinsockSockets.FIONBIO, "_IOW('f', 126, u_long)");
        assertEquals(0x1007, WinsockSockets.SO_ERROR);
        assertEquals(0x0080, WinsockSockets.SO_LINGER);
        assertEquals(4, WinsockSockets.LINGER_SIZE, "struct linger is two u_shorts on Windows");
        assertEquals(12, WinsockSockets.IP_ADD_MEMBERSHIP);
        assertEquals(12, WinsockSockets.IPV6_ADD_MEMBERSHIP);
        assertEquals(1, WinsockSockets.MSG_OOB);
        assertEquals(2, WinsockSockets.MSG_PEEK);
    }

    @Test
    void shouldKeepBindingOffJnrsAllPrimitiveSixArgumentStub() {
        JnrBindings.assertNoSixPrimitiveArguments(Ws2.Lib.class);
        JnrBindings.assertNoSixPrimitiveArguments(EmulatedWs2.Calls.class);
    }
}
