package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

public abstract class TcpStreamContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final long CLIENT = 1;
    private static final long SERVER = 2;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String drainToString(TcpStream stream, int expected) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(expected);
        for (int i = 0; i < 1000 && buf.hasRemaining(); i++) {
            if (stream.read(buf) <= 0) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    /** Review D4: a jmio socket belongs to one poll at a time, on every backend (as mio refuses). */
    @Test
    void shouldRefuseRegisteringWithASecondPollUntilDeregisteredOrClosed() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll first = Poll.open(backend()); Poll second = Poll.open(backend())) {
            first.registry().register(pair.server, Token.of(1), Interest.READABLE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> second.registry().register(pair.server, Token.of(2), Interest.READABLE));
            assertTrue(e.getMessage().contains("registered with another Poll"), e.getMessage());
            first.registry().tryClone().reregister(pair.server, Token.of(3), Interest.READABLE); // same poll: fine
            first.registry().deregister(pair.server);
            second.registry().register(pair.server, Token.of(2), Interest.READABLE);
            first.close();  // a closed poll holds nothing: registering elsewhere is allowed again
            try (Poll third = Poll.open(backend())) {
                assertThrows(IllegalStateException.class,
                        () -> third.registry().register(pair.server, Token.of(4), Interest.READABLE));
                second.close();
                third.registry().register(pair.server, Token.of(4), Interest.READABLE);
                pair.client.write(ByteBuffer.wrap(new byte[] {1}));
                expectEvent(third, Events.withCapacity(4), 4, NetTestSupport.Seen::readable, "registered in the third");
            }
        }
    }

    @Test
    void shouldBecomeWritableWhenConnected() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal());
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(client, Token.of(CLIENT), Interest.WRITABLE);
            expectEvent(poll, events, CLIENT, NetTestSupport.Seen::writable, "connected");
            assertNull(client.takeError());
            assertEquals(listener.localAddress(), client.peerAddress());
        }
    }

    @Test
    void shouldReportConnectionRefusedThroughTakeError() throws IOException {
        InetSocketAddress closed;
        try (TcpListener listener = TcpListener.bind(anyLocal())) {
            closed = listener.localAddress();
        }
        try (Poll poll = Poll.open(backend()); TcpStream client = TcpStream.connect(closed)) {
            Events events = Events.withCapacity(8);
            poll.registry().register(client, Token.of(CLIENT), Interest.WRITABLE.add(Interest.READABLE));
            NetTestSupport.Seen seen = expectEvent(poll, events, CLIENT, s -> s.writable() || s.error(), "failed");
            assertTrue(seen.error() || seen.writeClosed(), seen.text());
            IOException error = client.takeError();
            assertInstanceOf(java.net.ConnectException.class, error, "a refusal is a ConnectException");
            assertEquals("ECONNREFUSED", ((SyscallFailure) error).errnoName());
            assertEquals("SO_ERROR", ((SyscallFailure) error).syscall());
            assertNull(client.takeError(), "taking the error clears it");
        }
    }

    @Test
    void shouldReadAndWriteHeapAndDirectBuffers() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            assertEquals(5, pair.client.write(ascii("hello")));
            ByteBuffer direct = ByteBuffer.allocateDirect(6).put("world!".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(6, pair.client.write(direct));
            assertFalse(direct.hasRemaining());
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "data");
            ByteBuffer heap = ByteBuffer.allocate(3);
            assertEquals(3, pair.server.read(heap));
            assertEquals("hel", new String(heap.array(), StandardCharsets.US_ASCII));
            ByteBuffer into = ByteBuffer.allocateDirect(64);
            into.position(10);
            assertEquals(8, pair.server.read(into));
            assertEquals(18, into.position());
            byte[] got = new byte[8];
            into.get(10, got);
            assertEquals("loworld!", new String(got, StandardCharsets.US_ASCII));
            assertEquals(0, pair.server.read(into), "would block");
            assertEquals(0, pair.server.read(ByteBuffer.allocate(0)), "no room");
        }
    }

    @Test
    void shouldWriteReadOnlyAndSlicedHeapBuffers() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            ByteBuffer readOnly = ascii("xxabcdef").asReadOnlyBuffer();
            readOnly.position(2);
            assertEquals(6, pair.client.write(readOnly));
            ByteBuffer slice = ascii("__gh__").position(2).limit(4).slice();
            assertEquals(2, pair.client.write(slice));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "data");
            assertEquals("abcdefgh", drainToString(pair.server, 8));
            ByteBuffer target = ByteBuffer.allocate(4).asReadOnlyBuffer();
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> pair.server.read(target));
        }
    }

    @Test
    void shouldGatherAndScatter() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            ByteBuffer[] out = {ascii("ab"), ByteBuffer.allocateDirect(3).put((byte) 'c').put((byte) 'd').put((byte) 'e').flip(),
                ascii(""), ascii("fghij")};
            assertEquals(10, pair.client.write(out));
            for (ByteBuffer b : out) {
                assertFalse(b.hasRemaining());
            }
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "data");
            ByteBuffer[] in = {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(3), ByteBuffer.allocate(8)};
            long total = 0;
            for (int i = 0; i < 100 && total < 10; i++) {
                long n = pair.server.read(in);
                assertTrue(n > 0, "read " + n + " after " + total);
                total += n;
            }
            assertEquals(10, total);
            assertEquals(4, in[0].position());
            assertEquals(3, in[1].position());
            assertEquals(3, in[2].position());
            assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), in[0].array());
            in[1].flip();
            assertEquals('e', in[1].get(0));
            assertEquals('g', in[1].get(2));
            assertEquals("hij", new String(in[2].array(), 0, 3, StandardCharsets.US_ASCII));
            assertEquals(0, pair.server.read(in), "full buffers: nothing to do");
        }
    }

    @Test
    void shouldMoveAtMostTheStagingAreaPerHeapCallAndSixteenBuffersPerVectorCall() throws IOException {
        try (TcpPair pair = TcpPair.open(backend())) {
            pair.client.setSendBufferSize(4 << 20);
            int n = pair.client.write(ByteBuffer.allocate(1 << 20));
            assertTrue(n > 0 && n <= 64 * 1024, "a heap write goes through the 64 KiB staging area: " + n);
            ByteBuffer[] many = new ByteBuffer[20];
            for (int i = 0; i < many.length; i++) {
                many[i] = ByteBuffer.allocate(1);
            }
            assertEquals(16, pair.client.write(many), "at most 16 buffers per gathering write");
            assertFalse(many[15].hasRemaining());
            assertTrue(many[16].hasRemaining());
        }
    }

    @Test
    void shouldPeekWithoutConsumingOrReArming() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            pair.client.write(ascii("peek"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "data");
            ByteBuffer peeked = ByteBuffer.allocate(16);
            assertEquals(4, pair.server.peek(peeked));
            expectNoEvent(poll, events, SERVER);
            assertEquals("peek", drainToString(pair.server, 4));
            assertEquals(0, pair.server.read(ByteBuffer.allocate(4)), "drained");
        }
    }

    @Test
    void shouldReportNewEdgeOnlyOnNewData() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            pair.client.write(ascii("one"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "first");
            expectNoEvent(poll, events, SERVER);  // not drained, but no new edge without new data
            assertEquals("one", drainToString(pair.server, 3));
            assertEquals(0, pair.server.read(ByteBuffer.allocate(1)), "would block");
            expectNoEvent(poll, events, SERVER);
            pair.client.write(ascii("two"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "second");
            assertEquals("two", drainToString(pair.server, 3));
        }
    }

    @Test
    void shouldReportReadableAgainWhenLevelTriggered() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE, Trigger.LEVEL);
            pair.client.write(ascii("lvl"));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "first");
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readable, "again while undrained");
            assertEquals("lvl", drainToString(pair.server, 3));
            expectNoEvent(poll, events, SERVER);
        }
    }

    @Test
    void shouldReportNothingAfterDeregisterEvenWithNewData() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            poll.registry().deregister(pair.server);
            pair.client.write(ascii("ignored"));
            expectNoEvents(poll, events);
            assertEquals("ignored", drainToString(pair.server, 7), "the data is there all the same");
        }
    }

    @Test
    void shouldReportReadClosedAfterPeerShutsDownWriting() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            pair.client.write(ascii("bye"));
            pair.client.shutdown(Shutdown.WRITE);
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::readClosed, "read closed");
            assertEquals("bye", drainToString(pair.server, 3));
            assertEquals(-1, pair.server.read(ByteBuffer.allocate(4)), "end of stream");
            assertEquals(3, pair.server.write(ascii("ack")), "the other half is still open");
        }
    }

    @Test
    void shouldReportEndOfStreamAfterOwnReadShutdown() throws IOException {
        try (TcpPair pair = TcpPair.open(backend())) {
            pair.server.shutdown(Shutdown.READ);
            assertEquals(-1, pair.server.read(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void shouldReportHangUpWhenBothHalvesClose() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE.add(Interest.WRITABLE));
            pair.server.shutdown(Shutdown.BOTH);
            pair.client.shutdown(Shutdown.BOTH);
            NetTestSupport.expectCombined(poll, events, SERVER, s -> s.readClosed() && s.writeClosed(), "hang-up");
        }
    }

    @Test
    void shouldFailWriteAfterResetWithoutSigpipe() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE.add(Interest.WRITABLE));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::writable, "writable at first");
            pair.client.setLinger(Duration.ZERO);
            assertEquals(Duration.ZERO, pair.client.linger());
            pair.client.close();  // linger 0: reset
            NetTestSupport.Seen seen = NetTestSupport.expectCombined(poll, events, SERVER,
                    s -> s.readClosed() && (s.writeClosed() || s.error()), "reset: read closed, write closed or error");
            assertTrue(seen.readClosed(), seen.text());
            SyscallFailure e = NetTestSupport.assertSocketFailure(java.net.SocketException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    pair.server.write(ascii("after reset"));
                }
            });
            assertTrue(Set.of("EPIPE", "ECONNRESET").contains(e.errnoName()), e.toString());
            // Still alive: SIGPIPE would have killed the JVM's default disposition; MSG_NOSIGNAL guards it.
            assertTrue(pair.server.rawHandle() >= 0);
        }
    }

    @Test
    void shouldReportPriorityOnOutOfBandData() throws IOException {
        assumeTrue("epoll".equals(backend().name()) || "io_uring".equals(backend().name()),
                "PRIORITY is Linux poll's (EPOLLPRI): epoll and io_uring");
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE.add(Interest.PRIORITY));
            assertTrue(pair.client.sendUrgent((byte) '!'));
            expectEvent(poll, events, SERVER, NetTestSupport.Seen::priority, "out-of-band data");
        }
    }

    @Test
    void shouldSetAndReadOptions() throws IOException {
        try (TcpPair pair = TcpPair.open(backend())) {
            TcpStream s = pair.client;
            s.setNoDelay(true);
            assertTrue(s.noDelay());
            s.setNoDelay(false);
            assertFalse(s.noDelay());
            s.setTtl(9);
            assertEquals(9, s.ttl());
            s.setKeepAlive(true);
            assertTrue(s.keepAlive());
            s.setLinger(Duration.ofSeconds(3));
            assertEquals(Duration.ofSeconds(3), s.linger());
            s.setLinger(null);
            assertNull(s.linger());
            s.setSendBufferSize(64 * 1024);
            assertTrue(s.sendBufferSize() >= 64 * 1024, "Linux doubles it: " + s.sendBufferSize());
            s.setReceiveBufferSize(32 * 1024);
            assertTrue(s.receiveBufferSize() >= 32 * 1024, "Linux doubles it: " + s.receiveBufferSize());
            assertThrows(IllegalArgumentException.class, () -> s.setSendBufferSize(0));
        }
    }

    @Test
    void shouldThrowClosedChannelExceptionAfterClose() throws IOException {
        TcpPair pair = TcpPair.open(backend());
        pair.close();
        TcpStream s = pair.client;
        assertThrows(ClosedChannelException.class, () -> s.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> s.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> s.shutdown(Shutdown.BOTH));
        assertThrows(ClosedChannelException.class, s::peerAddress);
        assertThrows(ClosedChannelException.class, () -> s.setNoDelay(true));
        s.close();
    }

    @Test
    void shouldReportNothingForIdleConnectionRegisteredReadable() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client, Token.of(CLIENT), Interest.READABLE);
            expectNoEvents(poll, events);
            assertEquals(0, pair.client.peek(ByteBuffer.allocate(4)), "nothing to peek: would block");
            assertEquals(0, pair.client.read(ByteBuffer.allocate(4)), "nothing to read: would block");
        }
    }

    @Test
    void shouldReportWritableUnderNewTokenAfterReregister() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client, Token.of(CLIENT), Interest.READABLE);
            poll.registry().reregister(pair.client, Token.of(SERVER), Interest.WRITABLE);
            NetTestSupport.Seen seen = expectEvent(poll, events, SERVER, NetTestSupport.Seen::writable, "writable as ID2");
            assertFalse(seen.readable(), seen.text());
            expectNoEvent(poll, events, CLIENT);
        }
    }

    @Test
    void shouldReportReadClosedAfterOwnReadShutdownAndEpipeAfterBoth() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client, Token.of(CLIENT), Interest.READABLE.add(Interest.WRITABLE));
            expectEvent(poll, events, CLIENT, NetTestSupport.Seen::writable, "connected");
            pair.client.shutdown(Shutdown.READ);
            expectEvent(poll, events, CLIENT, NetTestSupport.Seen::readClosed, "own read side closed");
            pair.client.shutdown(Shutdown.BOTH);
            SyscallFailure e = NetTestSupport.assertSocketFailure(java.net.SocketException.class,
                    () -> pair.client.write(ascii("x")));
            assertEquals("EPIPE", e.errnoName());
        }
    }

    @Test
    void shouldDeliverDataWrittenJustBeforeClose() throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.server, Token.of(SERVER), Interest.READABLE);
            pair.client.write(ascii("last words"));
            pair.client.close();
            expectEvent(poll, events, SERVER, s -> s.readable() && s.readClosed(), "data then end of stream");
            assertEquals("last words", drainToString(pair.server, 10));
            assertEquals(-1, pair.server.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void shouldRefuseUnresolvedAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpStream.connect(InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertTrue(e.getMessage().contains("unresolved"), e.getMessage());
    }
}
