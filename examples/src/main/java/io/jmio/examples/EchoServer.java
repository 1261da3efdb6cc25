package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A TCP echo server on one thread: every byte a client sends comes back, in order.
 *
 * <p>Each connection is registered once, edge-triggered, for reading and writing; on any event it
 * writes what it holds, then reads until the read would block or its buffer is full (then the next
 * writable event resumes it). A client that shuts down its side gets the rest of its bytes, then end of
 * stream.
 *
 * <pre>
 * java -cp ... io.jmio.examples.EchoServer 9000         # then: nc 127.0.0.1 9000
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class EchoServer implements ExampleServer {
    private static final Token LISTENER = Token.of(0);
    private static final Token WAKER = Token.of(1);
    /** Connection tokens are this plus their slot in the slab. */
    private static final long FIRST_CONNECTION = 2;

    private final Poll poll;
    private final TcpListener listener;
    private final Waker waker;
    private final Slab<Connection> connections = new Slab<>();
    private final AcceptRetry acceptRetry = new AcceptRetry();
    private volatile boolean stopping;

    /** One client: its stream and the bytes read but not yet written back. */
    private static final class Connection {
        final TcpStream stream;
        final ByteBuffer pending = ByteBuffer.allocateDirect(64 * 1024);

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        /** @return false once the connection is finished */
        boolean handle() throws IOException {
            while (true) {
                if (pending.position() > 0) {
                    pending.flip();
                    stream.write(pending);
                    pending.compact();
                    if (pending.position() > 0) {
                        return true;  // the kernel's buffer is full: wait for a writable event
                    }
                }
                int n = stream.read(pending);
                if (n < 0) {
                    return false;     // everything was echoed; the client is done
                }
                if (n == 0) {
                    return true;      // would block: wait for the next event
                }
            }
        }
    }

    /**
     * @param address where to listen
     * @throws IOException if the poll or the listener cannot be opened
     */
    public EchoServer(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        listener = TcpListener.bind(address);
        poll.registry().register(listener, LISTENER, Interest.READABLE);
        waker = new Waker(poll.registry(), WAKER);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    @Override
    public void run() throws IOException {
        Events events = Events.withCapacity(256);
        while (!stopping) {
            poll.poll(events, acceptRetry.pollTimeout());
            for (Event event : events) {
                long token = event.token();
                if (token == LISTENER.value()) {
                    accept();
                } else if (token != WAKER.value()) {
                    Connection c = connections.get(token - FIRST_CONNECTION);
                    if (c != null && !handleSafely(c)) {
                        connections.remove(token - FIRST_CONNECTION);
                        c.stream.close();
                    }
                }
            }
            if (acceptRetry.backlogged()) {
                accept(); // an edge-triggered listener will not report the waiting connections again
            }
        }
    }

    /** @return how many accepts failed (e.g. {@code EMFILE}); each is retried without waiting for an event */
    public long acceptFailures() {
        return acceptRetry.failures();
    }

    private void accept() throws IOException {
        while (true) {
            TcpStream stream;
            try {
                stream = listener.accept();
            } catch (java.net.SocketException e) {
                acceptRetry.failed(e); // e.g. EMFILE: the connection stays queued; run() retries
                return;
            }
            if (stream == null) {
                acceptRetry.drained();
                return;
            }
            // Replies go out at once: with Nagle's algorithm a small reply waits for the ACK of the one before.
            stream.setNoDelay(true);
            long token = FIRST_CONNECTION + connections.add(new Connection(stream));
            poll.registry().register(stream, token, Interest.READABLE.add(Interest.WRITABLE)); // a long: no Token made
        }
    }

    private static boolean handleSafely(Connection c) {
        try {
            return c.handle();
        } catch (IOException e) {
            return false;  // reset by the peer, say: drop this client, keep serving the others
        }
    }

    @Override
    public void stop() {
        stopping = true;
        waker.wakeUnchecked();
    }

    @Override
    public void close() throws IOException {
        connections.drain(c -> {
            try {
                c.stream.close();
            } catch (IOException e) {
                System.err.println("close failed: " + e.getMessage());
            }
        });
        listener.close();
        waker.close();
        poll.close();
    }

    /**
     * @param args {@code [port [host]]}, default 9000 on 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        ExampleServer.runUntilInterrupted("echo server", new EchoServer(ExampleServer.address(args, 9000)));
    }
}
