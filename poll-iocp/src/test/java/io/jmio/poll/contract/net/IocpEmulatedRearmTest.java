package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What makes the network types work on IOCP's edge emulation, shown directly: an edge-triggered
 * interest stays off after it is reported until one of jmio's own operations on the socket would
 * block. So new data after a partial read brings no event (it does on epoll), and it does once a read
 * has hit would-block; an accept that would block re-arms a listener the same way. Deregistering and
 * closing are tracked too: close deregisters first, as the IOCP backend asks.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedRearmTest {
    private static final long SERVER = 1;
    private static final long LISTENER = 2;

    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldReportNewDataOnlyAfterAReadThatWouldBlock() throws IOException {
        try (TcpPair pair = TcpPair.open(new EmulatedIocpBackend()); Poll poll = Poll.open(new EmulatedIocpBackend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE, Trigger.EDGE);
            pair.client.write(ascii("abcd"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "first data");
            assertEquals(2, pair.server.read(ByteBuffer.allocate(2)), "a partial read: no would-block, no re-arm");
            pair.client.write(ascii("ef"));
            expectNoEvent(poll, events, SERVER);
            ByteBuffer rest = ByteBuffer.allocate(16);
            assertEquals(4, pair.server.read(rest));
            assertEquals(0, pair.server.read(rest), "would block: re-arms READABLE");
            pair.client.write(ascii("g"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "data after the re-arm");
        }
    }

    @Test
    void shouldReportTheNextConnectionOnlyAfterAnAcceptThatWouldBlock() throws IOException {
        try (Poll poll = Poll.open(new EmulatedIocpBackend());
             TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE, Trigger.EDGE);
            try (TcpStream first = TcpStream.connect(listener.localAddress())) {
                expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "first connection");
                try (TcpStream accepted = listener.accept()) {
                    assertNull(listener.accept(), "would block: re-arms READABLE");
                }
                try (TcpStream second = TcpStream.connect(listener.localAddress())) {
                    expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "second connection");
                }
            }
        }
    }

    @Test
    void shouldDeregisterOnCloseSoTheHandleCanBeRegisteredAgain() throws IOException {
        try (Poll poll = Poll.open(new EmulatedIocpBackend())) {
            TcpListener first = TcpListener.bind(NetTestSupport.anyLocal());
            long handle = first.rawHandle();
            poll.registry().register(first, Token.of(LISTENER), Interest.READABLE);
            first.close(); // deregisters first: the IOCP backend would otherwise keep the handle value
            try (TcpListener second = TcpListener.bind(NetTestSupport.anyLocal())) {
                assertEquals(handle, second.rawHandle(), "the emulation reuses the number, as descriptors do");
                poll.registry().register(second, Token.of(LISTENER), Interest.READABLE);
            }
        }
    }

    @Test
    void shouldForgetARegistrationRemovedBehindItsBack() throws IOException {
        try (TcpPair pair = TcpPair.open(new EmulatedIocpBackend()); Poll poll = Poll.open(new EmulatedIocpBackend())) {
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            new SourceSocket(pair.server.rawHandle()).deregister(poll.registry());
            assertEquals(0, pair.server.read(ByteBuffer.allocate(4)), "would block; the re-arm finds ENOENT and forgets");
            pair.server.close(); // no deregistration left to do: closes without error
        }
    }
}
