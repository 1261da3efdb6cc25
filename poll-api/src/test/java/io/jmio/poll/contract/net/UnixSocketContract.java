package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TruncatedDatagramException;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Sockaddr;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// "try": some resources are held open by try-with-resources only for their side effect (a pending connection).
@SuppressWarnings("try")
public abstract class UnixSocketContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final long LISTENER = 1;
    private static final long ONE = 2;
    private static final long TWO = 3;

    @TempDir
    Path dir;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuffer b) {
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void shouldAcceptOnPathAndExchangeBytes() throws IOException {
        UnixAddress address = UnixAddress.of(dir.resolve("s.sock"));
        try (Poll poll = Poll.open(backend()); UnixListener listener = UnixListener.bind(address)) {
            assertTrue(Files.exists(dir.resolve("s.sock")), "bind creates the socket file");
            assertEquals(address, listener.localAddress());
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            assertNull(listener.accept());
            try (UnixStream client = UnixStream.connect(address)) {
                expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "pending connection");
                try (UnixStream server = listener.accept()) {
                    assertNotNull(server);
                    assertNull(listener.accept());
                    assertEquals(address, client.peerAddress());
                    assertEquals(UnixAddress.Kind.UNNAMED, server.peerAddress().kind());
                    poll.registry().register(server, Token.of(ONE), Interest.READABLE);
                    assertEquals(4, client.write(ascii("ping")));
                    expectEvent(poll, events, ONE, NetTestSupport.Seen::readable, "data");
                    ByteBuffer in = ByteBuffer.allocateDirect(16);
                    assertEquals(4, server.read(in));
                    assertEquals("ping", text(in));
                    assertEquals(0, server.read(ByteBuffer.allocate(4)), "would block");
                }
            }
            expectNoEvent(poll, events, LISTENER);
        }
    }

    @Test
    void shouldRefuseBindOverExistingPathAndConnectToNothing() throws IOException {
        UnixAddress address = UnixAddress.of(dir.resolve("taken.sock"));
        try (UnixListener first = UnixListener.bind(address)) {
            SyscallFailure e = NetTestSupport.assertSocketFailure(java.net.BindException.class,
                    () -> UnixListener.bind(address));
            assertEquals("EADDRINUSE", e.errnoName());
        }
        SyscallFailure refused = NetTestSupport.assertSocketFailure(java.net.ConnectException.class,
                () -> UnixStream.connect(address));
        assertEquals("ECONNREFUSED", refused.errnoName(), "the file stays, nobody listens");
        assertEquals("connect", refused.syscall());
        SyscallFailure missing = NetTestSupport.assertSocketFailure(java.net.SocketException.class,
                () -> UnixStream.connect(UnixAddress.of(dir.resolve("missing.sock"))));
        assertEquals("ENOENT", missing.errnoName());
    }

    @Test
    void shouldRefuseOverlongPathBeforeAnySyscallCountingUtf8Bytes() {
        // 60 two-byte characters: 60 chars but 120 bytes, more than the 107 Linux allows
        String name = "\u00e9".repeat(60);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixAddress.of("/tmp/" + name));
        assertTrue(e.getMessage().contains("ENAMETOOLONG") && e.getMessage().contains("125 bytes"), e.getMessage());
        int max = Sockaddr.current().maxUnixNameBytes();  // 107 on Linux, 103 on macOS and the BSDs
        UnixAddress fits = UnixAddress.of("/" + "a".repeat(max - 1));
        assertEquals(max, fits.toString().length());
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.of("/" + "a".repeat(max)));
    }

    @Test
    void shouldUseAbstractNamespaceWithoutFile() throws IOException {
        assumeTrue(Platform.current() == Platform.LINUX, "the abstract namespace is Linux's");
        UnixAddress address = UnixAddress.ofAbstract("jmio-test-" + ProcessHandle.current().pid());
        try (UnixListener listener = UnixListener.bind(address); UnixStream client = UnixStream.connect(address);
             Poll poll = Poll.open(backend())) {
            assertEquals(address, listener.localAddress());
            assertEquals(UnixAddress.Kind.ABSTRACT, client.peerAddress().kind());
            assertEquals(address.abstractName(), client.peerAddress().abstractName());
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "pending");
            try (UnixStream accepted = listener.accept()) {
                assertNotNull(accepted);
            }
        }
    }

    @Test
    void shouldReportReadClosedAndHangUpOnPair() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (Poll poll = Poll.open(backend()); UnixStream a = pair[0]; UnixStream b = pair[1]) {
            Events events = Events.withCapacity(8);
            poll.registry().register(b, Token.of(TWO), Interest.READABLE);
            a.write(new ByteBuffer[] {ascii("ab"), ascii("cd")});
            a.shutdown(Shutdown.WRITE);
            expectEvent(poll, events, TWO, NetTestSupport.Seen::readClosed, "read closed");
            ByteBuffer[] in = {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(8)};
            assertEquals(4, b.read(in));
            assertEquals(-1, b.read(ByteBuffer.allocate(4)));
            assertEquals(UnixAddress.unnamed(), a.localAddress());
            poll.registry().reregister(b, Token.of(TWO), Interest.READABLE.add(Interest.WRITABLE));
            a.close();
            NetTestSupport.expectCombined(poll, events, TWO, s -> s.readClosed() && s.writeClosed(), "hang-up");
            SyscallFailure e = NetTestSupport.assertSocketFailure(java.net.SocketException.class, () -> b.write(ascii("x")));
            assertTrue(Set.of("EPIPE", "ECONNRESET").contains(e.errnoName()), e.toString());
        }
    }

    @Test
    void shouldReportNothingAfterDeregisterOrClose() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (Poll poll = Poll.open(backend()); UnixStream a = pair[0]; UnixStream b = pair[1]) {
            Events events = Events.withCapacity(8);
            poll.registry().register(b, Token.of(TWO), Interest.READABLE);
            poll.registry().deregister(b);
            a.write(ascii("x"));
            expectNoEvents(poll, events);
            // closing a registered source drops its registration: no event for it, even on hang-up
            poll.registry().register(a, Token.of(ONE), Interest.READABLE.add(Interest.WRITABLE));
            expectEvent(poll, events, ONE, NetTestSupport.Seen::writable, "registered and writable");
            a.close();
            b.close();
            expectNoEvents(poll, events);
            assertThrows(ClosedChannelException.class, () -> a.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> poll.registry().deregister(a));
        }
    }

    @Test
    void shouldSendDatagramsBetweenPairEnds() throws IOException {
        UnixDatagram[] pair = UnixDatagram.pair();
        try (Poll poll = Poll.open(backend()); UnixDatagram a = pair[0]; UnixDatagram b = pair[1]) {
            Events events = Events.withCapacity(8);
            poll.registry().register(b, Token.of(TWO), Interest.READABLE);
            assertEquals(-1, b.receive(ByteBuffer.allocate(8)));
            assertEquals(3, a.send(ascii("one")));
            assertEquals(0, a.send(ByteBuffer.allocate(0)));
            expectEvent(poll, events, TWO, NetTestSupport.Seen::readable, "datagrams");
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(3, b.receive(in));
            assertEquals("one", text(in));
            assertEquals(0, b.receive(ByteBuffer.allocate(8)), "empty datagram");
            assertEquals(-1, b.receive(ByteBuffer.allocate(8)));
            a.send(ascii("toolong"));
            TruncatedDatagramException e = assertThrows(TruncatedDatagramException.class,
                    () -> b.receive(ByteBuffer.allocate(3)));
            assertEquals(3, e.bytesReceived());
        }
    }

    @Test
    void shouldSendFromUnboundToBoundAndSeeUnnamedSender() throws IOException {
        UnixAddress address = UnixAddress.of(dir.resolve("d.sock"));
        try (Poll poll = Poll.open(backend()); UnixDatagram bound = UnixDatagram.bind(address);
             UnixDatagram unbound = UnixDatagram.unbound();
             UnixDatagram named = UnixDatagram.bind(UnixAddress.of(dir.resolve("n.sock")))) {
            Events events = Events.withCapacity(8);
            poll.registry().register(bound, Token.of(ONE), Interest.READABLE);
            assertEquals(5, unbound.sendTo(ascii("hello"), address));
            assertEquals(4, named.sendTo(ByteBuffer.allocateDirect(4), address));
            expectEvent(poll, events, ONE, NetTestSupport.Seen::readable, "datagrams");
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(UnixAddress.unnamed(), bound.receiveFrom(in));
            assertEquals("hello", text(in));
            assertEquals(UnixAddress.of(dir.resolve("n.sock")), bound.receiveFrom(ByteBuffer.allocate(8)));
            assertNull(bound.receiveFrom(ByteBuffer.allocate(8)));
            unbound.connect(address);
            assertEquals(address, unbound.peerAddress());
            SyscallFailure e = NetTestSupport.assertSocketFailure(java.net.SocketException.class,
                    () -> unbound.sendTo(ascii("x"), UnixAddress.of(dir.resolve("nobody.sock"))));
            assertTrue(Set.of("ENOENT", "EISCONN").contains(e.errnoName()), e.toString());
        }
    }

    @Test
    void shouldUseAbstractDatagramAddress() throws IOException {
        assumeTrue(Platform.current() == Platform.LINUX, "the abstract namespace is Linux's");
        UnixAddress address = UnixAddress.ofAbstract("jmio-dgram-" + ProcessHandle.current().pid());
        try (UnixDatagram bound = UnixDatagram.bind(address); UnixDatagram sender = UnixDatagram.unbound();
             Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(bound, Token.of(ONE), Interest.READABLE);
            sender.sendTo(ascii("abs"), address);
            expectEvent(poll, events, ONE, NetTestSupport.Seen::readable, "datagram");
            ByteBuffer in = ByteBuffer.allocate(8);
            assertNotNull(bound.receiveFrom(in));
            assertArrayEquals("abs".getBytes(StandardCharsets.US_ASCII), text(in).getBytes(StandardCharsets.US_ASCII));
            assertEquals(address, bound.localAddress());
        }
    }
}
