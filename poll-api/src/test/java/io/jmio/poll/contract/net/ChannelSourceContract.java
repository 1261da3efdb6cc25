package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.ChannelSource;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JDK channels registered with a jmio poll (the tests run with --add-exports java.base/sun.nio.ch). */
// "try": some resources are held open by try-with-resources only for their side effect (a pending connection).
@SuppressWarnings("try")
public abstract class ChannelSourceContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldReportReadableSocketChannel() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal());
             SocketChannel channel = SocketChannel.open(listener.localAddress())) {
            Events events = Events.withCapacity(8);
            ChannelSource source = ChannelSource.of(channel);
            assertFalse(channel.isBlocking(), "of() switches the channel to non-blocking mode");
            assertTrue(source.fd() > 2);
            poll.registry().register(source, Token.of(1), Interest.READABLE);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "connection to accept");
            try (TcpStream server = listener.accept()) {
                assertNotNull(server);
                server.write(ascii("jdk"));
                expectEvent(poll, events, 1, NetTestSupport.Seen::readable, "socket channel readable");
                ByteBuffer in = ByteBuffer.allocate(8);
                assertEquals(3, channel.read(in));
                poll.registry().deregister(source);
                server.write(ascii("more"));
                expectNoEvents(poll, events);
            }
        }
    }

    @Test
    void shouldReportAcceptableServerSocketChannel() throws IOException {
        try (Poll poll = Poll.open(backend()); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(anyLocal());
            Events events = Events.withCapacity(8);
            poll.registry().register(ChannelSource.of(server), Token.of(2), Interest.READABLE);
            try (TcpStream client = TcpStream.connect((InetSocketAddress) server.getLocalAddress())) {
                expectEvent(poll, events, 2, NetTestSupport.Seen::readable, "server channel acceptable");
                try (SocketChannel accepted = server.accept()) {
                    assertNotNull(accepted);
                }
            }
        }
    }

    @Test
    void shouldReportReadableDatagramChannelAndPipeEnds() throws IOException {
        try (Poll poll = Poll.open(backend()); DatagramChannel channel = DatagramChannel.open();
             UdpSocket sender = UdpSocket.bind(anyLocal())) {
            channel.bind(anyLocal());
            Events events = Events.withCapacity(8);
            poll.registry().register(ChannelSource.of(channel), Token.of(3), Interest.READABLE);
            sender.sendTo(ascii("dgram"), (InetSocketAddress) channel.getLocalAddress());
            expectEvent(poll, events, 3, NetTestSupport.Seen::readable, "datagram channel readable");
            assertNotNull(channel.receive(ByteBuffer.allocate(8)));

            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                poll.registry().register(ChannelSource.of(source), Token.of(4), Interest.READABLE);
                poll.registry().register(ChannelSource.of(sink), Token.of(5), Interest.WRITABLE);
                expectEvent(poll, events, 5, NetTestSupport.Seen::writable, "sink writable");
                sink.write(ascii("p"));
                expectEvent(poll, events, 4, NetTestSupport.Seen::readable, "source readable");
            }
        }
    }

    @Test
    void shouldRefuseClosedChannel() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.close();
        assertThrows(ClosedChannelException.class, () -> ChannelSource.of(channel));
    }

    /** Run by the test below in a JVM started without the flag. */
    public static void main(String[] args) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            ChannelSource.of(channel);
            System.out.println("no failure");
        } catch (UnsupportedOperationException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void shouldNameTheFlagWhenItIsMissing() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ChannelSourceContract.class.getName()).redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertTrue(output.contains(ChannelSource.REQUIRED_FLAG), output);
    }
}
