package io.jmio.bench.echo;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * jmio's echo server: one {@link Poll}, one loop thread that accepts on a {@link TcpListener} and
 * serves {@link TcpStream}s, each with a direct buffer (jmio passes it to the kernel by address).
 *
 * <p>Four modes, the same state machine as the C server's:
 * <ul>
 *   <li>{@link Mode#EDGE}: registered once for readable and writable, edge-triggered; on any event
 *       finish a pending write, then read and echo until a read would block (mio's "drain").</li>
 *   <li>{@link Mode#EDGE_DRAIN}: as edge, with {@link TcpStream#setDrainDetection drain detection} on: the
 *       loop stops reading when the kernel says a read left nothing queued, instead of reading again
 *       until a read would block (one {@code recv} per event fewer).</li>
 *   <li>{@link Mode#LEVEL}: readable, level-triggered; one read per event. A write that would block
 *       switches the interest to writable until the pending bytes are out.</li>
 *   <li>{@link Mode#ONESHOT}: as level, but each event disarms the registration and the handler
 *       reregisters it: one {@code epoll_ctl} per event.</li>
 * </ul>
 *
 * <p>The listener is registered level-triggered and accepted until {@code accept()} returns null. The
 * loop counts its own system calls: {@code epoll_wait}, reads ({@code recv}), writes ({@code send})
 * and {@code epoll_ctl}; accepts are not counted (they happen before anything is timed). On the
 * io_uring backend the same counters count polls (each at most one {@code io_uring_enter}, none when
 * completions are already waiting), and reregisters are not counted (they make no system call: the
 * update rides in the next poll's {@code io_uring_enter}); the strace mode counts the system calls
 * themselves.
 *
 * <p>Threading: the loop runs on its own thread named {@value ThreadStat#LOOP_THREAD_NAME}; the
 * public methods may be called from one other thread.
 */
public final class JmioEchoServer implements EchoServer {
    /** Trigger mode of the connections. */
    public enum Mode { EDGE, EDGE_DRAIN, LEVEL, ONESHOT }

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_CONNECTIONS = 4096;
    private static final long WAKER_TOKEN = 0;
    private static final long LISTENER_TOKEN = Long.MAX_VALUE;

    private final Mode mode;
    /** epoll_ctl on epoll; on io_uring a reregister is an update batched into the next poll. */
    private final boolean reregisterIsSyscall;
    private final Poll poll;
    private final Registry registry;
    private final Waker waker;
    private final Events events = Events.withCapacity(1024);
    private final Connection[] connections = new Connection[MAX_CONNECTIONS + 1];
    private final TcpListener listener;
    private final int port;
    private final Thread loop;
    private int nextToken = 1;
    private final ThreadStat stat;
    private volatile boolean running = true;
    private volatile Throwable failure;

    // Written by the loop thread only; read (racily, between iterations) by the benchmark.
    private long waits;
    private long reads;
    private long writes;
    private long controls;

    JmioEchoServer(Mode mode) throws IOException {
        this(mode, "epoll");
    }

    /** @param backend the jmio backend, {@code epoll} or {@code io_uring} */
    JmioEchoServer(Mode mode, String backend) throws IOException {
        this.mode = mode;
        this.reregisterIsSyscall = !backend.equals("io_uring");
        this.poll = Poll.open(backend);
        this.registry = poll.registry();
        this.waker = new Waker(registry, Token.of(WAKER_TOKEN));
        this.listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = listener.localAddress().getPort();
        registry.register(listener, Token.of(LISTENER_TOKEN), Interest.READABLE, Trigger.LEVEL);
        this.loop = new Thread(this::runLoop, ThreadStat.LOOP_THREAD_NAME);
        loop.setDaemon(true);
        loop.start();
        this.stat = ThreadStat.ofLoopThread();
    }

    @Override
    public long loopTid() {
        return stat.tid();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void sample(LoopSample sample) throws IOException {
        stat.read(sample);
        sample.waits = waits;
        sample.reads = reads;
        sample.writes = writes;
        sample.controls = controls;
        sample.allocatedBytes = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(loop.getId());
    }

    private void accept() throws IOException {
        TcpStream stream;
        while ((stream = listener.accept()) != null) {
            if (nextToken > MAX_CONNECTIONS) {
                stream.close();
                throw new IOException("more than " + MAX_CONNECTIONS + " connections");
            }
            stream.setNoDelay(true);
            if (mode == Mode.EDGE_DRAIN) {
                stream.setDrainDetection(true);
            }
            Connection c = new Connection(stream, nextToken);
            connections[nextToken++] = c;
            registry.register(stream, c.token, edge(mode)
                    ? Interest.READABLE.add(Interest.WRITABLE) : Interest.READABLE, trigger(mode));
        }
    }

    private static boolean edge(Mode mode) {
        return mode == Mode.EDGE || mode == Mode.EDGE_DRAIN;
    }

    private static Trigger trigger(Mode mode) {
        return edge(mode) ? Trigger.EDGE : mode == Mode.LEVEL ? Trigger.LEVEL : Trigger.ONESHOT;
    }

    private void runLoop() {
        try {
            while (running) {
                int n = poll.poll(events, null);
                waits++;
                for (int i = 0; i < n; i++) {
                    Event event = events.get(i);
                    long token = event.token();
                    if (token == WAKER_TOKEN) {
                        continue;
                    }
                    if (token == LISTENER_TOKEN) {
                        accept();
                        continue;
                    }
                    Connection c = connections[(int) token];
                    if (edge(mode)) {
                        // A reset or FIN already announced by this event is announced by no later one.
                        onEdge(c, mode == Mode.EDGE_DRAIN && !event.isError() && !event.isReadClosed());
                    } else {
                        onLevel(c);
                    }
                }
            }
        } catch (Throwable t) {
            if (running) {
                fail(t);
            }
        }
    }

    /**
     * Edge: finish the pending write, then read and echo until a read would block, or (drain mode, on an
     * event that reports no error and no read-closed) until a read is reported to have left nothing queued.
     */
    private void onEdge(Connection c, boolean stopWhenDrained) throws IOException {
        if (c.closed) {
            return;
        }
        int w = flush(c);
        if (w <= 0) {
            return;
        }
        while (true) {
            long n = fill(c);
            if (n <= 0) {
                return;
            }
            boolean drained = stopWhenDrained && c.stream.lastReadDrained();
            if (flush(c) <= 0 || drained) {
                return;
            }
        }
    }

    /** Level and oneshot: one read per readable event; while writing, only writable events. */
    private void onLevel(Connection c) throws IOException {
        if (c.closed) {
            return;
        }
        if (c.writing) {
            int w = flush(c);
            if (w < 0) {
                return;
            }
            if (w > 0) {
                c.writing = false;
                rearm(c, Interest.READABLE);
            } else if (mode == Mode.ONESHOT) {
                rearm(c, Interest.WRITABLE);
            }
            return;
        }
        long n = fill(c);
        if (n < 0) {
            return;
        }
        if (n > 0) {
            int w = flush(c);
            if (w < 0) {
                return;
            }
            if (w == 0) {
                c.writing = true;
                rearm(c, Interest.WRITABLE);
                return;
            }
        }
        if (mode == Mode.ONESHOT) {
            rearm(c, Interest.READABLE);
        }
    }

    private void rearm(Connection c, Interest interest) throws IOException {
        if (reregisterIsSyscall) {
            controls++;
        }
        registry.reregister(c.stream, c.token, interest, trigger(mode));
    }

    /** @return bytes read, 0 if it would block, -1 at end of stream (the connection is then closed) */
    private long fill(Connection c) throws IOException {
        reads++;
        c.buffer.clear();
        int n;
        try {
            n = c.stream.read(c.buffer);
        } catch (IOException reset) {
            drop(c);
            return -1;
        }
        if (n < 0) {
            drop(c);
            return -1;
        }
        c.buffer.flip();
        return n;
    }

    /** @return 1 when nothing is pending, 0 if a write would block, -1 if the peer is gone */
    private int flush(Connection c) throws IOException {
        ByteBuffer b = c.buffer;
        while (b.hasRemaining()) {
            writes++;
            try {
                if (c.stream.write(b) == 0) {
                    return 0;
                }
            } catch (IOException peerGone) {
                drop(c);
                return -1;
            }
        }
        return 1;
    }

    private void drop(Connection c) throws IOException {
        c.closed = true;
        controls++;
        registry.deregister(c.stream);
        c.stream.close();
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        // Make clients see the failure as a closed connection rather than wait forever.
        for (Connection c : connections) {
            if (c != null) {
                try {
                    c.stream.close();
                } catch (IOException e) {
                    t.addSuppressed(e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        waker.wake();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : connections) {
            if (c != null) {
                c.stream.close();
            }
        }
        listener.close();
        waker.close();
        poll.close();
        if (failure != null) {
            throw new IOException("jmio " + mode + " echo server failed", failure);
        }
        if (loop.isAlive()) {
            throw new IOException("jmio " + mode + " echo loop did not stop within 10 s");
        }
    }

    /** One accepted connection and its direct buffer; the pending bytes are between position and limit. */
    private static final class Connection {
        final TcpStream stream;
        /** Kept, not made per call: {@code Token.of} caches only 0-255, so a new one would allocate. */
        final Token token;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE).limit(0);
        boolean writing;
        boolean closed;

        Connection(TcpStream stream, long token) {
            this.stream = stream;
            this.token = Token.of(token);
        }
    }
}
