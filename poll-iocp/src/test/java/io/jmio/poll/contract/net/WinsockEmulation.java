package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.spi.SocketSystem;

/**
 * The check every emulated-Windows network test makes first: the process's {@link SocketSystem} is
 * the Winsock facade over the Linux emulation of {@code ws2_32}, which poll-iocp's build selects with
 * {@code -Djmio.sockets=io.jmio.poll.iocp.winsock.EmulatedWinsock} on Unix (see its {@code pom.xml}). Run
 * from elsewhere without that property, the tests fail here instead of silently testing POSIX sockets.
 *
 * <p>Threading: stateless.
 */
final class WinsockEmulation {
    private WinsockEmulation() {
    }

    static void assertSelected() {
        SocketSystem sys = SocketSystem.current();
        assertEquals("io.jmio.poll.iocp.winsock.EmulatedWinsock", sys.getClass().getName(),
                "run with -D" + SocketSystem.PROPERTY + "=io.jmio.poll.iocp.winsock.EmulatedWinsock");
        assertEquals(false, sys.handlesAreFileDescriptors(), "Winsock handles are SOCKETs, registered as SourceSocket");
    }
}
