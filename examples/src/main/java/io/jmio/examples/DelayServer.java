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
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A server that answers each line after a delay, on one thread, to show timers and many idle
 * connections: the poll's timeout is the next reply's deadline, so thousands of connections waiting
 * for their replies cost nothing but memory. Run {@link ManyClients} against it.
 *
 * <pre>
 * java -cp ... io.jmio.examples.DelayServer 9002 1000              # port, delay in ms
 * java -cp ... io.jmio.examples.ManyClients 127.0.0.1 9002 5000    # 5000 connections, about 1 s in all
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class DelayServer implements ExampleServer {
    private static final Token LISTENER = Token.of(0);
    private static final Token WAKER = Token.of(1);
    /** Connection tokens are this plus their slot in the slab. */
    private static final long FIRST_CONNECTION = 2;
    private static final int MAX_LINE = 4096;

    private final Poll poll;
    private final TcpListener listener;
    private final Waker waker;
    private final long delayNanos;
    private final Slab<Connection> connections = new Slab<>();
    private final PriorityQueue<Reply> timers = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
    private volatile boolean stopping;

    /** A reply due at {@code due}; the connection is kept to tell it from a later one in the same slot. */
    private record Reply(long due, long token, Connection connection, byte[] line) {
    }

    private static final class Connection {
        final TcpStream stream;
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        int scheduled;
        boolean endOfInput;

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        boolean flush() throws IOException {
            if (out.position() == 0) {
                return true;
            }
            out.flip();
            stream.write(out);
            out.compact();
            return out.position() == 0;
        }

        boolean finished() {
            return endOfInput && scheduled == 0 && out.position() == 0;
        }
    }

    /**
     * @param address where to listen
     * @param delay   how long each reply waits
     * @throws IOException if the poll or the listener cannot be opened
     */
    public DelayServer(InetSocketAddress address, Duration delay) throws IOException {
        poll = Poll.open();
        listener = TcpListener.bind(address);
        poll.registry().register(listener, LISTENER, Interest.READABLE);
        waker = new Waker(poll.registry(), WAKER);
        delayNanos = delay.toNanos();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    @Override
    public void run() throws IOException {
        Events events = Events.withCapacity(1024);
        while (!stopping) {
            Reply next = timers.peek();
            Duration timeout = next == null ? null : Duration.ofNanos(Math.max(0, next.due - System.nanoTime()));
            poll.poll(events, timeout);
            for (Event event : events) {
                long token = event.token();
                if (token == LISTENER.value()) {
                    accept();
                } else if (token != WAKER.value()) {
                    Connection c = connections.get(token - FIRST_CONNECTION);
                    if (c != null) {
                        serve(token, c);
                    }
                }
            }
            fireDueTimers();
        }
    }

    private void fireDueTimers() throws IOException {
        long now = System.nanoTime();
        Reply r;
        while ((r = timers.peek()) != null && r.due - now <= 0) {
            timers.poll();
            Connection c = connections.get(r.token - FIRST_CONNECTION);
            if (c != r.connection) {
                continue;  // the client went away (its slot may hold another client by now)
            }
            c.scheduled--;
            if (c.out.remaining() >= r.line.length) {
                c.out.put(r.line);
            }
            serve(r.token, c);
        }
    }

    /** Writes due replies, reads new lines and schedules their replies; closes a finished client. */
    private void serve(long token, Connection c) throws IOException {
        try {
            c.flush();
            while (!c.endOfInput) {
                int n = c.stream.read(c.in);
                if (n == 0 && c.in.hasRemaining()) {
                    break;
                }
                if (n < 0) {
                    c.endOfInput = true;
                }
                scheduleLines(token, c);
                if (n == 0) {
                    c.endOfInput = true; // a line longer than MAX_LINE: stop reading this client
                }
            }
        } catch (IOException e) {
            c.endOfInput = true;
            c.scheduled = 0;
            c.out.clear();
        }
        if (c.finished()) {
            connections.remove(token - FIRST_CONNECTION);
            c.stream.close();
        }
    }

    private void scheduleLines(long token, Connection c) {
        c.in.flip();
        int start = 0;
        for (int i = 0; i < c.in.limit(); i++) {
            if (c.in.get(i) == '\n') {
                byte[] line = new byte[i + 1 - start];
                c.in.get(start, line);
                timers.add(new Reply(System.nanoTime() + delayNanos, token, c, line));
                c.scheduled++;
                start = i + 1;
            }
        }
        c.in.position(start);
        c.in.compact();
    }

    private void accept() throws IOException {
        while (true) {
            TcpStream stream;
            try {
                stream = listener.accept();
            } catch (java.net.SocketException e) {
                System.err.println("accept failed, still listening: " + e.getMessage());
                return;
            }
            if (stream == null) {
                return;
            }
            long token = FIRST_CONNECTION + connections.add(new Connection(stream));
            poll.registry().register(stream, Token.of(token), Interest.READABLE.add(Interest.WRITABLE));
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
        timers.clear();
        listener.close();
        waker.close();
        poll.close();
    }

    /**
     * @param args {@code [port [delayMillis [host]]]}, default 9002, 1000 ms, 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9002;
        Duration delay = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
        String host = args.length > 2 ? args[2] : "127.0.0.1";
        ExampleServer.runUntilInterrupted("delay server",
                new DelayServer(new InetSocketAddress(host, port), delay));
    }
}
