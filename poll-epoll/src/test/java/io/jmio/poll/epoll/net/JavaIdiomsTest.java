package io.jmio.poll.epoll.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.contract.net.NetTestSupport;
import io.jmio.poll.contract.net.TcpPair;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The stream types as {@code java.nio} channels, {@code UnixDomainSocketAddress} bridges, accept's peer. */
@EnabledOnOs(OS.LINUX)
class JavaIdiomsTest {
    @TempDir
    Path dir;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Moves "abcdef" through the channel interfaces only, in two gathered and two scattered parts. */
    private static void exchange(GatheringByteChannel out, ScatteringByteChannel in) throws IOException {
        ByteBuffer[] parts = {ascii("xx"), ascii("abc"), ascii("def")};
        long sent = 0;
        for (int i = 0; i < 100 && sent < 6; i++) {
            sent += out.write(parts, 1, 2);
        }
        assertEquals(6, sent);
        assertEquals(2, parts[0].remaining(), "the buffer outside offset..length is left alone");
        ByteBuffer[] into = {ByteBuffer.allocate(1), ByteBuffer.allocate(4), ByteBuffer.allocateDirect(2)};
        long got = 0;
        for (long end = System.nanoTime() + 5_000_000_000L; got < 6 && System.nanoTime() < end; ) {
            got += Math.max(0, in.read(into, 1, 2));
        }
        assertEquals(6, got);
        assertEquals(0, into[0].position());
        byte[] text = new byte[6];
        into[1].flip().get(text, 0, 4);
        into[2].flip().get(text, 4, 2);
        assertArrayEquals("abcdef".getBytes(StandardCharsets.US_ASCII), text);
    }

    private static void closesAsAChannel(ByteChannel channel) throws IOException {
        assertTrue(channel.isOpen());
        channel.close();
        assertFalse(channel.isOpen());
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> channel.write(ascii("x")));
    }

    @Test
    void shouldServeTcpStreamsAsByteScatteringAndGatheringChannels() throws IOException {
        try (TcpPair pair = TcpPair.open(new EpollBackend())) {
            exchange(pair.client, pair.server);
            closesAsAChannel(pair.client);
        }
    }

    @Test
    void shouldServeUnixStreamsAsByteScatteringAndGatheringChannels() throws IOException {
        UnixStream[] ends = UnixStream.pair();
        try (UnixStream a = ends[0]; UnixStream b = ends[1]) {
            exchange(a, b);
            closesAsAChannel(b);
        }
    }

    @Test
    void shouldConvertToAndFromUnixDomainSocketAddress() {
        Path path = dir.resolve("x.sock");
        UnixAddress ours = UnixAddress.of(UnixDomainSocketAddress.of(path));
        assertEquals(UnixAddress.of(path), ours);
        assertEquals(UnixDomainSocketAddress.of(path), ours.toUnixDomainSocketAddress());
        assertEquals(UnixAddress.unnamed(), UnixAddress.of(UnixDomainSocketAddress.of("")));
        assertEquals(UnixDomainSocketAddress.of(""), UnixAddress.unnamed().toUnixDomainSocketAddress());
        assertThrows(UnsupportedOperationException.class,
                () -> UnixAddress.ofAbstract("jmio-idioms").toUnixDomainSocketAddress());
    }

    @Test
    void shouldAcceptAJdkUnixChannelAtTheConvertedAddress() throws IOException {
        UnixDomainSocketAddress jdk = UnixDomainSocketAddress.of(dir.resolve("jdk.sock"));
        try (Poll poll = Poll.open(new EpollBackend());
             UnixListener listener = UnixListener.bind(UnixAddress.of(jdk));
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertEquals(jdk, listener.localAddress().toUnixDomainSocketAddress());
            Events events = Events.withCapacity(4);
            poll.registry().register(listener, Token.of(1), Interest.READABLE);
            assertTrue(client.connect(jdk));
            NetTestSupport.expectEvent(poll, events, 1, NetTestSupport.Seen::readable, "JDK client connecting");
            try (UnixStream accepted = listener.accept()) {
                assertNotNull(accepted);
                client.write(ascii("hi"));
                ByteBuffer buf = ByteBuffer.allocate(2);
                for (long end = System.nanoTime() + 5_000_000_000L; buf.hasRemaining() && System.nanoTime() < end; ) {
                    accepted.read(buf);
                }
                assertEquals("hi", new String(buf.array(), StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * The peer address comes from accept itself: after the peer resets the connection, getpeername
     * would fail with ENOTCONN, yet the accepted stream still knows its peer.
     */
    @Test
    void shouldKnowTheAcceptedPeerWithoutGetpeername() throws IOException {
        try (Poll poll = Poll.open(new EpollBackend()); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            TcpStream client = TcpStream.connect(listener.localAddress());
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            try (TcpStream server = listener.accept()) {
                java.net.InetSocketAddress clientAddress = client.localAddress();
                poll.registry().register(server, Token.of(1), Interest.READABLE);
                client.setLinger(Duration.ZERO);
                client.close(); // RST: the accepted socket is no longer connected
                NetTestSupport.expectEvent(poll, events, 1, NetTestSupport.Seen::readClosed, "reset");
                assertEquals(clientAddress, server.peerAddress());
            }
        }
    }
}
