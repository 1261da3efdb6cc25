package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TruncatedDatagramException;
import io.jmio.poll.net.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP echo server on one thread: every datagram goes back to its sender. A datagram that cannot be
 * sent at once (the socket's buffer is full) is dropped, as UDP allows; one longer than 64 KiB is
 * reported and dropped.
 *
 * <pre>
 * java -cp ... io.jmio.examples.UdpEchoServer 9001        # then: nc -u 127.0.0.1 9001
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class UdpEchoServer implements ExampleServer {
    private static final Token SOCKET = Token.of(0);
    private static final Token WAKER = Token.of(1);

    private final Poll poll;
    private final UdpSocket socket;
    private final Waker waker;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean stopping;

    /**
     * @param address where to listen
     * @throws IOException if the poll or the socket cannot be opened
     */
    public UdpEchoServer(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        socket = UdpSocket.bind(address);
        poll.registry().register(socket, SOCKET, Interest.READABLE);
        waker = new Waker(poll.registry(), WAKER);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    @Override
    public void run() throws IOException {
        Events events = Events.withCapacity(16);
        while (!stopping) {
            poll.poll(events, null);
            for (Event event : events) {
                if (event.token() == SOCKET.value()) {
                    drain();
                }
            }
        }
    }

    private void drain() throws IOException {
        while (true) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = socket.receiveFrom(buffer);
            } catch (TruncatedDatagramException e) {
                System.err.println("dropped: " + e.getMessage());
                continue;
            }
            if (from == null) {
                return;  // would block
            }
            buffer.flip();
            socket.sendTo(buffer, from);
        }
    }

    @Override
    public void stop() {
        stopping = true;
        waker.wakeUnchecked();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        waker.close();
        poll.close();
    }

    /**
     * @param args {@code [port [host]]}, default 9001 on 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        ExampleServer.runUntilInterrupted("udp echo server", new UdpEchoServer(ExampleServer.address(args, 9001)));
    }
}
