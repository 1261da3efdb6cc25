package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.SyscallBindException;
import io.jmio.poll.SyscallConnectException;
import io.jmio.poll.SyscallSocketException;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The Winsock facade over the emulated {@code ws2_32}, called directly (without a poll): the exceptions
 * a Windows user sees name the portable error and the Winsock one, and would-block, end of stream and
 * truncation follow the {@link SocketSystem} conventions.
 */
@EnabledOnOs(OS.LINUX)
class WinsockOverEmulationTest {
    private final SocketSystem ws = new EmulatedWinsock();
    private final InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Loopback delivery is normally immediate; the bound (5 s of retries) only guards a loaded machine. */
    private static long deadline() {
        return System.nanoTime() + 5_000_000_000L;
    }

    @Test
    void shouldNameBothErrorsWhenTheAddressIsInUse() throws IOException {
        long a = ws.open(false, true);
        long b = ws.open(false, true);
        try {
            ws.bindAndListen(a, loopback, 4);
            InetSocketAddress taken = ws.address(a, false);
            SyscallBindException e = assertThrows(SyscallBindException.class, () -> ws.bindAndListen(b, taken, 4));
            assertEquals("bind", e.syscall());
            assertEquals("EADDRINUSE", e.errnoName());
            assertEquals(10048, e.errno());
            assertTrue(e.getMessage().contains("WSAEADDRINUSE 10048") && e.getMessage().contains("SOCKET " + b),
                    e.getMessage());
        } finally {
            ws.close(a);
            ws.close(b);
        }
    }

    @Test
    void shouldConnectAcceptAndFollowTheStreamConventions() throws IOException {
        long listener = ws.open(false, true);
        long client = ws.open(false, true);
        long server = SocketSystem.NO_SOCKET;
        try {
            ws.bindAndListen(listener, loopback, 4);
            assertEquals(SocketSystem.NO_SOCKET, ws.accept(listener), "nothing pending: WSAEWOULDBLOCK");
            ws.connect(client, ws.address(listener, false)); // WSAEWOULDBLOCK: under way
            for (long end = deadline(); server == SocketSystem.NO_SOCKET && System.nanoTime() < end; ) {
                server = ws.accept(listener);
            }
            assertTrue(server != SocketSystem.NO_SOCKET, "accepted");
            assertEquals(null, ws.takeError(client));
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertEquals(0, ws.read(server, dst, false), "would block");
            assertEquals(5, ws.write(client, ByteBuffer.wrap("hello".getBytes())));
            int n = 0;
            for (long end = deadline(); n == 0 && System.nanoTime() < end; ) {
                n = ws.read(server, dst, false);
            }
            assertEquals(5, n);
            ws.shutdown(client, 1);
            int eof = 0;
            for (long end = deadline(); eof == 0 && System.nanoTime() < end; ) {
                eof = ws.read(server, dst, false);
            }
            assertEquals(-1, eof, "end of stream");
            SyscallSocketException e = assertThrows(SyscallSocketException.class,
                    () -> ws.write(client, ByteBuffer.wrap(new byte[] {1})));
            assertEquals("EPIPE", e.errnoName());
            assertTrue(e.getMessage().contains("WSAESHUTDOWN 10058"), e.getMessage());
        } finally {
            ws.close(listener);
            ws.close(client);
            if (server != SocketSystem.NO_SOCKET) {
                ws.close(server);
            }
        }
    }

    @Test
    void shouldReportRefusedConnectThroughSoError() throws IOException {
        long probe = ws.open(false, true);
        InetSocketAddress closedPort;
        ws.bindAndListen(probe, loopback, 1);
        closedPort = ws.address(probe, false);
        ws.close(probe);
        long client = ws.open(false, true);
        try {
            IOException error = null;
            try {
                ws.connect(client, closedPort);
                for (long end = deadline(); error == null && System.nanoTime() < end; ) {
                    error = ws.takeError(client);
                }
            } catch (SyscallConnectException atOnce) {
                error = atOnce;
            }
            assertNotNull(error, "the connect must fail");
            assertEquals("ECONNREFUSED", ((io.jmio.poll.SyscallFailure) error).errnoName());
            assertTrue(error.getMessage().contains("WSAECONNREFUSED 10061"), error.getMessage());
        } finally {
            ws.close(client);
        }
    }

    @Test
    void shouldReportTruncationAndSenderForDatagrams() throws IOException {
        long a = ws.open(false, false);
        long b = ws.open(false, false);
        try {
            ws.bind(a, loopback);
            ws.bind(b, loopback);
            ByteBuffer small = ByteBuffer.allocateDirect(4);
            assertEquals(-1, ws.receiveDatagram(b, small, false), "would block");
            assertEquals(10, ws.sendDatagram(a, ByteBuffer.wrap("0123456789".getBytes()), ws.address(b, false)));
            int n = -1;
            for (long end = deadline(); n < 0 && System.nanoTime() < end; ) {
                n = ws.receiveDatagram(b, small, false);
            }
            assertEquals(4, n, "the buffer's worth");
            assertTrue(ws.lastTruncated(), "WSAEMSGSIZE: truncated");
            assertEquals(ws.address(a, false), ws.lastSender());
        } finally {
            ws.close(a);
            ws.close(b);
        }
    }

    @Test
    void shouldRoundTripLingerAsWinsocksTwoShorts() throws IOException {
        long s = ws.open(true, true);
        try {
            assertEquals(-1, ws.linger(s));
            ws.setLinger(s, 7);
            assertEquals(7, ws.linger(s));
            ws.setLinger(s, -1);
            assertEquals(-1, ws.linger(s));
            assertThrows(IllegalArgumentException.class, () -> ws.setLinger(s, 70_000));
        } finally {
            ws.close(s);
        }
    }
}
