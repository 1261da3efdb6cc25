package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.SocketConfig;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.Platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link HttpServer}'s protocol ({@link HttpConnection}) on N event loops, one thread and one
 * {@link Poll} each, for machines with more than one core.
 *
 * <p>Two ways to spread the connections, chosen by {@link Mode}:
 * <ul>
 * <li>{@link Mode#REUSE_PORT} (the default on Linux): every loop has its own listener on the same port,
 *     bound with {@code SO_REUSEPORT}; the kernel spreads new connections over them by a hash of the
 *     addresses, and no loop ever touches another's sockets.</li>
 * <li>{@link Mode#HANDOFF} (the default elsewhere, where {@code SO_REUSEPORT} either does not exist,
 *     Windows, or does not spread connections, macOS and the BSDs): loop 0 alone listens, and hands each
 *     accepted connection to the loops in turn through a queue and the loop's {@link Waker}; the
 *     receiving loop registers it with its own poll.</li>
 * </ul>
 *
 * <pre>
 * java -cp examples/target/jmio-examples.jar io.jmio.examples.MultiLoopHttpServer 8080 127.0.0.1 4
 * wrk -t2 -c100 -d10s http://127.0.0.1:8080/
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread (it runs loop 0 and starts the others); {@link #stop()}
 * from any.
 */
public final class MultiLoopHttpServer implements ExampleServer {
    private static final Token LISTENER = Token.of(0);
    private static final Token WAKER = Token.of(1);
    private static final long FIRST_CONNECTION = 2;

    /** How connections reach the loops. */
    public enum Mode {
        /** One {@code SO_REUSEPORT} listener per loop; the kernel spreads connections (Linux). */
        REUSE_PORT,
        /** One listener; its loop hands connections to the loops in turn. */
        HANDOFF;

        /** @return {@link #REUSE_PORT} on Linux, {@link #HANDOFF} elsewhere */
        public static Mode forThisOs() {
            return Platform.current() == Platform.LINUX ? REUSE_PORT : HANDOFF;
        }
    }

    private final Mode mode;
    private final Loop[] loops;
    private final InetSocketAddress address;
    private final AtomicLongArray accepted;
    private volatile boolean stopping;

    /**
     * @param address where to listen (port 0: a free port, shared by every loop)
     * @param threads how many loops
     * @param mode    how connections reach them
     * @throws IOException if a poll or a listener cannot be opened
     */
    public MultiLoopHttpServer(InetSocketAddress address, int threads, Mode mode) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " < 1");
        }
        this.mode = mode;
        this.loops = new Loop[threads];
        this.accepted = new AtomicLongArray(threads);
        SocketConfig reusePort = SocketConfig.create().set(StandardSocketOptions.SO_REUSEPORT, true);
        InetSocketAddress bound = address;
        try {
            for (int i = 0; i < threads; i++) {
                TcpListener listener = null;
                if (mode == Mode.REUSE_PORT) {
                    listener = TcpListener.bind(bound, reusePort);
                    bound = listener.localAddress();       // the others join the port the first one got
                } else if (i == 0) {
                    listener = TcpListener.bind(bound);
                    bound = listener.localAddress();
                }
                loops[i] = new Loop(i, listener);
            }
        } catch (IOException | RuntimeException e) {
            closeLoops(e);
            throw e;
        }
        this.address = bound;
    }

    /** One event loop: its poll, waker, listener (if any), connections and inbox of handed-off streams. */
    private final class Loop {
        final int index;
        final Poll poll;
        final Waker waker;
        final TcpListener listener;
        final Slab<HttpConnection> connections = new Slab<>();
        final Queue<TcpStream> inbox = new ConcurrentLinkedQueue<>();
        final AcceptRetry acceptRetry = new AcceptRetry();
        int next;                               // HANDOFF: the loop the next connection goes to

        Loop(int index, TcpListener listener) throws IOException {
            this.index = index;
            this.listener = listener;
            Poll p = Poll.open();
            try {
                if (listener != null) {
                    // Edge-triggered: after an accept that fails (EMFILE) no edge announces the connections
                    // still queued, so run() retries by itself (AcceptRetry). A level trigger would announce
                    // them on every poll, and so spin while the shortage lasts.
                    p.registry().register(listener, LISTENER, Interest.READABLE);
                }
                this.waker = new Waker(p.registry(), WAKER);
            } catch (IOException | RuntimeException e) {
                p.close();
                if (listener != null) {
                    listener.close();
                }
                throw e;
            }
            this.poll = p;
        }

        void run() throws IOException {
            Events events = Events.withCapacity(1024);
            while (!stopping) {
                poll.poll(events, acceptRetry.pollTimeout());
                for (Event event : events) {
                    long token = event.token();
                    if (token == LISTENER.value()) {
                        accept();
                    } else if (token == WAKER.value()) {
                        TcpStream handed;
                        while ((handed = inbox.poll()) != null) {
                            serve(handed);
                        }
                    } else {
                        HttpConnection c = connections.get(token - FIRST_CONNECTION);
                        if (c != null && !handleSafely(c)) {
                            connections.remove(token - FIRST_CONNECTION);
                            c.stream.close();
                        }
                    }
                }
                if (acceptRetry.backlogged()) {
                    accept();
                }
            }
        }

        private void accept() throws IOException {
            while (true) {
                TcpStream stream;
                try {
                    stream = listener.accept();
                } catch (IOException e) {
                    acceptRetry.failed(e); // e.g. EMFILE: the connection stays queued; run() retries
                    return;
                }
                if (stream == null) {
                    acceptRetry.drained();
                    return;
                }
                Loop target = mode == Mode.HANDOFF ? loops[next++ % loops.length] : this;
                if (target == this) {
                    serve(stream);
                } else {
                    target.inbox.add(stream);
                    target.waker.wakeUnchecked();
                }
            }
        }

        private void serve(TcpStream stream) throws IOException {
            accepted.incrementAndGet(index);
            stream.setNoDelay(true);
            long token = FIRST_CONNECTION + connections.add(new HttpConnection(stream));
            poll.registry().register(stream, token, Interest.READABLE.add(Interest.WRITABLE)); // a long: no Token made
        }

        void close() throws IOException {
            connections.drain(c -> closeQuietly(c.stream));
            TcpStream s;
            while ((s = inbox.poll()) != null) {
                closeQuietly(s);
            }
            if (listener != null) {
                listener.close();
            }
            waker.close();
            poll.close();
        }
    }

    private static boolean handleSafely(HttpConnection c) {
        try {
            return c.handle();
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (IOException e) {
            System.err.println("close failed: " + e.getMessage());
        }
    }

    /** @return how connections reach the loops */
    public Mode mode() {
        return mode;
    }

    /** @return how many connections each loop has served so far */
    public long[] connectionsPerLoop() {
        long[] counts = new long[loops.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = accepted.get(i);
        }
        return counts;
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public void run() throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < loops.length; i++) {
            Loop loop = loops[i];
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop();           // one loop failing stops the server rather than leaving it lame
                }
            }, "http-loop-" + i);
            t.start();
            threads.add(t);
        }
        try {
            loops[0].run();
        } finally {
            stop();
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Throwable t = failure.get();
        if (t instanceof IOException e) {
            throw e;
        } else if (t != null) {
            throw new IOException("an event loop failed", t);
        }
    }

    @Override
    public void stop() {
        stopping = true;
        for (Loop loop : loops) {
            if (loop != null) {
                loop.waker.wakeUnchecked();
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = new IOException("closing the loops failed");
        closeLoops(failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void closeLoops(Throwable collector) {
        for (Loop loop : loops) {
            if (loop != null) {
                try {
                    loop.close();
                } catch (IOException | RuntimeException e) {
                    collector.addSuppressed(e);
                }
            }
        }
    }

    /**
     * @param args {@code [port [host [threads]]]}, default 8080 on 127.0.0.1 with one loop per core
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        MultiLoopHttpServer server = new MultiLoopHttpServer(ExampleServer.address(args, 8080), threads,
                Mode.forThisOs());
        System.out.println(threads + " loops, " + server.mode());
        ExampleServer.runUntilInterrupted("multi-loop http server", server);
    }
}
