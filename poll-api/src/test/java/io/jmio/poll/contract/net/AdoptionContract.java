package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Fds;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.unix.SocketActivation;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adoption ({@code fromFd}, {@code fromChannel}, {@link SocketActivation}) and hand-back
 * ({@code releaseFd}) of every socket type, on Unix (where sockets are descriptors); on Windows the
 * descriptor forms are refused.
 */
public abstract class AdoptionContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    @TempDir
    Path dir;

    private static boolean descriptors() {
        return SocketSystem.current().handlesAreFileDescriptors();
    }

    private static void send(TcpStream s, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            assertTrue(s.write(b) > 0, "loopback has room");
        }
    }

    private static String receive(Poll poll, TcpStream s, long token, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        Events events = Events.withCapacity(4);
        long deadline = System.nanoTime() + NetTestSupport.TIMEOUT.toNanos();
        while (b.hasRemaining() && System.nanoTime() < deadline) {
            if (s.read(b) == 0) {
                poll.poll(events, Duration.ofMillis(100));
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldHandAListenerBackAndAdoptItAgain() throws IOException {
        assumeTrue(descriptors(), "descriptors are Unix");
        TcpListener original = TcpListener.bind(anyLocal());
        InetSocketAddress address = original.localAddress();
        int fd = original.releaseFd();
        assertThrows(ClosedChannelException.class, original::localAddress, "a released listener acts as closed");
        assertThrows(ClosedChannelException.class, original::releaseFd, "released once only");
        original.close();   // does nothing: the descriptor is no longer this object's
        try (Poll poll = Poll.open(backend()); TcpListener adopted = TcpListener.fromFd(fd)) {
            assertEquals(fd, adopted.rawFd());
            assertEquals(address, adopted.localAddress(), "the same socket, still open after the release and close");
            assertNull(adopted.accept(), "non-blocking: nothing pending");
            poll.registry().register(adopted, Token.of(1), Interest.READABLE);
            try (TcpStream client = TcpStream.connect(address)) {
                NetTestSupport.expectEvent(poll, Events.withCapacity(4), 1, NetTestSupport.Seen::readable, "accept");
                try (TcpStream server = adopted.accept()) {
                    assertNotNull(server);
                    int serverFd = server.releaseFd();
                    try (TcpStream again = TcpStream.fromFd(serverFd)) {
                        poll.registry().register(again, Token.of(2), Interest.READABLE);
                        send(client, "after release");
                        assertEquals("after release", receive(poll, again, 2, 13));
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseASocketOfAnotherKindAndLeaveItOpen() throws IOException {
        assumeTrue(descriptors(), "descriptors are Unix");
        try (UdpSocket udp = UdpSocket.bind(anyLocal()); TcpListener listener = TcpListener.bind(anyLocal());
             TcpPair pair = TcpPair.open(backend())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpStream.fromFd(udp.rawFd()));
            assertTrue(e.getMessage().contains("SOCK_DGRAM"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TcpListener.fromFd(udp.rawFd()));
            assertTrue(e.getMessage().contains("SOCK_DGRAM"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TcpStream.fromFd(listener.rawFd()));
            assertTrue(e.getMessage().contains("is a listening socket"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TcpListener.fromFd(pair.client.rawFd()));
            assertTrue(e.getMessage().contains("is not listening"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> UdpSocket.fromFd(pair.client.rawFd()));
            assertTrue(e.getMessage().contains("SOCK_STREAM"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> UnixStream.fromFd(pair.client.rawFd()));
            assertTrue(e.getMessage().contains("AF_INET"), e.getMessage());
            // Refused descriptors are still open and still theirs.
            assertNotNull(udp.localAddress());
            assertNotNull(listener.localAddress());
            send(pair.client, "x");
        }
        int[] pipe = Fds.pipe();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpStream.fromFd(pipe[0]));
            assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
        assertThrows(IOException.class, () -> TcpStream.fromFd(1 << 20), "not an open descriptor: EBADF");
        assertThrows(IllegalArgumentException.class, () -> TcpStream.fromFd(-1));
    }

    @Test
    void shouldAdoptJdkChannelsAndCloseThem() throws IOException {
        assumeTrue(descriptors(), "descriptors are Unix");
        ServerSocketChannel jdkListener = ServerSocketChannel.open().bind(anyLocal());   // blocking, JDK-owned
        InetSocketAddress address = (InetSocketAddress) jdkListener.getLocalAddress();
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.fromChannel(jdkListener)) {
            assertFalse(jdkListener.isOpen(), "the channel is closed: the socket is the TcpListener's now");
            assertEquals(address, listener.localAddress());
            assertNull(listener.accept(), "non-blocking");
            SocketChannel jdkClient = SocketChannel.open(address);                        // blocking connect
            try (TcpStream client = TcpStream.fromChannel(jdkClient)) {
                assertFalse(jdkClient.isOpen());
                poll.registry().register(listener, Token.of(1), Interest.READABLE);
                NetTestSupport.expectEvent(poll, Events.withCapacity(4), 1, NetTestSupport.Seen::readable, "accept");
                try (TcpStream server = listener.accept()) {
                    poll.registry().register(server, Token.of(2), Interest.READABLE);
                    send(client, "from a JDK channel");
                    assertEquals("from a JDK channel", receive(poll, server, 2, 18),
                            "closing the channel closed its descriptor, not the socket");
                }
            }
        }
        DatagramChannel jdkUdp = DatagramChannel.open().bind(anyLocal());
        try (UdpSocket udp = UdpSocket.fromChannel(jdkUdp)) {
            assertFalse(jdkUdp.isOpen());
            assertEquals(-1, udp.receive(ByteBuffer.allocate(8)), "non-blocking: nothing queued");
        }
        try (DatagramChannel wrongKind = DatagramChannel.open()) {
            int fd = io.jmio.poll.net.ChannelSource.of(wrongKind).fd();
            assertThrows(IllegalArgumentException.class, () -> TcpStream.fromFd(fd));
            assertTrue(wrongKind.isOpen(), "a refused descriptor stays its owner's");
            assertNotNull(wrongKind.bind(anyLocal()).getLocalAddress());
        }
    }

    @Test
    void shouldAdoptUnixSockets() throws IOException {
        assumeTrue(descriptors(), "descriptors are Unix");
        Path path = dir.resolve("a.sock");
        ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(path));
        try (UnixListener listener = UnixListener.fromChannel(jdk);
             UnixStream client = UnixStream.connect(UnixAddress.of(path))) {
            assertFalse(jdk.isOpen());
            assertEquals(UnixAddress.of(path), listener.localAddress());
            UnixStream accepted = null;
            for (int i = 0; i < 100 && accepted == null; i++) {
                accepted = listener.accept();   // the connect above completed: pending at once on Unix sockets
            }
            assertNotNull(accepted);
            try (UnixStream server = UnixStream.fromFd(accepted.releaseFd())) {
                client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                ByteBuffer in = ByteBuffer.allocate(3);
                assertEquals(3, server.read(in));
                assertArrayEquals(new byte[] {1, 2, 3}, in.array());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnixDatagram.fromFd(client.rawFd()));
            assertTrue(e.getMessage().contains("SOCK_STREAM"), e.getMessage());
        }
        UnixDatagram[] pair = UnixDatagram.pair();
        try (UnixDatagram a = UnixDatagram.fromFd(pair[0].releaseFd()); UnixDatagram b = pair[1]) {
            a.send(ByteBuffer.wrap(new byte[] {9}));
            ByteBuffer in = ByteBuffer.allocate(4);
            assertEquals(1, b.receive(in));
        }
    }

    @Test
    void shouldReadSystemdsEnvironment() {
        assumeTrue(descriptors(), "descriptors are Unix");
        SocketActivation none = SocketActivation.parse(Map.of(), 42);
        assertEquals(0, none.count());
        SocketActivation other = SocketActivation.parse(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "41"), 42);
        assertEquals(0, other.count(), "sockets meant for another process are not ours");
        SocketActivation two = SocketActivation.parse(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "42",
                "LISTEN_FDNAMES", "http:admin"), 42);
        assertEquals(2, two.count());
        assertEquals(3, two.fd(0));
        assertEquals(4, two.fd(1));
        assertEquals("admin", two.name(1));
        assertThrows(IndexOutOfBoundsException.class, () -> two.fd(2));
        assertThrows(IllegalArgumentException.class,
                () -> SocketActivation.parse(Map.of("LISTEN_FDS", "x", "LISTEN_PID", "42"), 42));
    }

    @Test
    void shouldRefuseDescriptorsWhereSocketsAreHandles() throws IOException {
        assumeTrue(!descriptors(), "sockets are handles (Windows)");
        try (TcpListener listener = TcpListener.bind(anyLocal())) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, listener::releaseFd);
            assertTrue(e.getMessage().contains("Windows"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> TcpStream.fromFd(3));
            assertNotNull(listener.localAddress(), "a refused release leaves it open");
        }
    }
}
