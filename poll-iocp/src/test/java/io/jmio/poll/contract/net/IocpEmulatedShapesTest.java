package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static io.jmio.poll.contract.net.NetTestSupport.collect;
import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallConnectException;
import io.jmio.poll.Token;
import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The network types over the emulated Windows path where the emulation now has Windows' shapes (see
 * {@code IOCP_EMULATION.md}, "Windows shapes"): a refused connect is {@code AFD_POLL_CONNECT_FAIL}
 * alone, a reset {@code AFD_POLL_ABORT}, a socket's own {@code SD_RECEIVE} reports nothing. What jmio
 * makes of them follows mio's mapping, so portable code ("on writable, take the error") meets the failure.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedShapesTest {
    private static final long CLIENT = 1;

    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Test
    void aRefusedConnectIsWritableReadableReadClosedAndCarriesTheError() throws IOException {
        InetSocketAddress closed;
        try (TcpListener gone = TcpListener.bind(anyLocal())) {
            closed = gone.localAddress();
        }
        try (Poll poll = Poll.open(new EmulatedIocpBackend()); TcpStream client = TcpStream.connect(closed)) {
            Events events = Events.withCapacity(8);
            poll.registry().register(client, Token.of(CLIENT), Interest.WRITABLE);
            NetTestSupport.Seen seen = expectEvent(poll, events, CLIENT, NetTestSupport.Seen::error, "refused");
            assertTrue(seen.writable() && seen.readClosed() && seen.writeClosed(), seen.text());
            assertTrue(seen.text().contains("raw=AFD_POLL_CONNECT_FAIL)"), "CONNECT_FAIL alone: " + seen.text());
            IOException e = client.takeError();
            assertNotNull(e);
            assertEquals("ECONNREFUSED", assertInstanceOf(SyscallConnectException.class, e).errnoName());
        }
    }

    @Test
    void aResetIsReadableSoAReaderSeesIt() throws IOException {
        try (TcpPair pair = TcpPair.open(new EmulatedIocpBackend()); Poll poll = Poll.open(new EmulatedIocpBackend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client, Token.of(CLIENT), Interest.READABLE);
            pair.server.setLinger(Duration.ZERO);
            pair.server.close(); // RST
            NetTestSupport.Seen seen = expectEvent(poll, events, CLIENT, NetTestSupport.Seen::error, "reset");
            assertTrue(seen.readable() && seen.readClosed() && seen.writeClosed(), seen.text());
            assertTrue(seen.text().contains("AFD_POLL_ABORT") && !seen.text().contains("AFD_POLL_RECEIVE"),
                    "ABORT, not RECEIVE: " + seen.text());
        }
    }

    @Test
    void theOwnReadShutdownReportsNothingAsOnWindows() throws IOException {
        try (TcpPair pair = TcpPair.open(new EmulatedIocpBackend()); Poll poll = Poll.open(new EmulatedIocpBackend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client, Token.of(CLIENT), Interest.READABLE);
            pair.client.shutdown(Shutdown.READ);
            List<NetTestSupport.Seen> seen = collect(poll, events, Duration.ofMillis(300));
            assertEquals(List.of(), seen, "Wine afd.c test_poll 'Test shutdown': no AFD_POLL_DISCONNECT for SD_RECEIVE");
            assertEquals(-1, pair.client.read(ByteBuffer.allocate(4)), "the read side is closed all the same");
        }
    }
}
