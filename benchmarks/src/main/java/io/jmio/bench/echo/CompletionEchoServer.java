package io.jmio.bench.echo;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.uring.UringCompletionBackend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * jmio's echo server on the completion API ({@link CompletionQueue} on io_uring): one loop thread,
 * one multishot accept, and per connection one operation in flight at a time, a recv into its
 * direct buffer or the send of what it received. Every turn of the loop is one {@code reap}: one
 * {@code io_uring_enter} that submits the operations the previous turn queued and waits for the next
 * completions, many connections' at once.
 *
 * <p>Counters, as the report reads them (system calls of the loop): {@code waits} counts reaps, each
 * one {@code io_uring_enter} here (every turn has submissions to hand over); recv and send make no
 * system call of their own, so {@code reads} and {@code writes} are reported as 0 (the submissions are
 * counted apart, for the tests: {@link #submissions()}). The strace mode counts the system calls themselves.
 *
 * <p>The queue is opened, served and closed on the loop thread (the ring's task-running mode
 * {@link UringCompletionBackend.TaskRun#DEFERRED} admits no other thread); the mode is the system
 * property {@value #TASK_RUN_PROPERTY} ({@code default}, {@code cooperative} or {@code deferred}; default
 * {@code default}, what {@code CompletionQueue.open} gives: the other two measured no better here).
 *
 * <p>Stopping: {@link #close()} connects to the listener, so the accept completion wakes the loop.
 *
 * <p>Threading: the loop runs on its own thread named {@value ThreadStat#LOOP_THREAD_NAME}; the
 * public methods may be called from one other thread.
 */
public final class CompletionEchoServer implements EchoServer {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_CONNECTIONS = 4096;
    private static final long ACCEPT_TOKEN = -1;
    /** System property: the ring's task-running mode, a {@link UringCompletionBackend.TaskRun} in lower case. */
    public static final String TASK_RUN_PROPERTY = "jmio.bench.uring.taskrun";

    /** Set by the loop thread before it reports the queue open; read by others after that. */
    private CompletionQueue queue;
    private final Completions completions = new Completions(1024);
    private final TcpStream[] streams = new TcpStream[MAX_CONNECTIONS];
    private final ByteBuffer[] buffers = new ByteBuffer[MAX_CONNECTIONS];
    private final TcpListener listener;
    private final int port;
    private final Thread loop;
    private final ThreadStat stat;
    private int connections;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile Exception closeFailure;

    // Written by the loop thread only; read (racily, between iterations) by the benchmark.
    private long waits;
    private long reads;
    private long writes;

    CompletionEchoServer() throws IOException {
        this(UringCompletionBackend.TaskRun.valueOf(
                System.getProperty(TASK_RUN_PROPERTY, "default").toUpperCase(Locale.ROOT)));
    }

    CompletionEchoServer(UringCompletionBackend.TaskRun taskRun) throws IOException {
        this.listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = listener.localAddress().getPort();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        this.loop = new Thread(() -> {
            try {
                queue = new UringCompletionBackend().open(1024, taskRun);
                queue.accept(listener, ACCEPT_TOKEN);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(null);
            runLoop();
        }, ThreadStat.LOOP_THREAD_NAME);
        loop.setDaemon(true);
        loop.start();
        try {
            opened.get();
        } catch (ExecutionException e) {
            listener.close();
            throw new IOException("cannot open the completion queue (" + taskRun + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.close();
            throw new IOException("interrupted while opening the completion queue", e);
        }
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
        sample.reads = 0;
        sample.writes = 0;
        sample.controls = 0;
        sample.allocatedBytes = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(loop.getId());
    }

    /** @return recv and send submissions so far (racy read) */
    long submissions() {
        return reads + writes;
    }

    private void runLoop() {
        try {
            while (running) {
                int n = queue.reap(completions, -1);
                waits++;
                for (int i = 0; i < n; i++) {
                    long token = completions.token(i);
                    int result = completions.result(i);
                    if (token == ACCEPT_TOKEN) {
                        accepted(result, completions.more(i));
                    } else if ((token & 1) == 0) {
                        received((int) (token >>> 1), result);
                    } else {
                        sent((int) (token >>> 1), result);
                    }
                }
            }
        } catch (Throwable t) {
            if (running) {
                failure = t;
            }
        } finally {
            try {
                queue.close(); // on this thread: a DEFERRED ring admits no other
            } catch (IOException | RuntimeException e) {
                closeFailure = e;
            }
        }
    }

    private void accepted(int fd, boolean more) throws IOException {
        if (!more && running) {
            queue.accept(listener, ACCEPT_TOKEN);
        }
        if (fd < 0 || !running) {
            if (fd >= 0) {
                TcpStream.fromFd(fd).close();
            }
            return;
        }
        if (connections == MAX_CONNECTIONS) {
            TcpStream.fromFd(fd).close();
            throw new IOException("more than " + MAX_CONNECTIONS + " connections");
        }
        TcpStream s = TcpStream.fromFd(fd);
        s.setNoDelay(true);
        int id = connections++;
        streams[id] = s;
        buffers[id] = ByteBuffer.allocateDirect(BUFFER_SIZE);
        recv(id);
    }

    private void recv(int id) throws IOException {
        reads++;
        buffers[id].clear();
        queue.recv(streams[id], buffers[id], (long) id << 1);
    }

    private void received(int id, int n) throws IOException {
        if (n <= 0) { // end of stream or reset: nothing else is in flight on it
            streams[id].close();
            return;
        }
        buffers[id].limit(n);
        writes++;
        queue.send(streams[id], buffers[id], ((long) id << 1) | 1);
    }

    private void sent(int id, int n) throws IOException {
        if (n < 0) {
            streams[id].close();
            return;
        }
        ByteBuffer b = buffers[id];
        b.position(b.position() + n);
        if (b.hasRemaining()) {
            writes++;
            queue.send(streams[id], b, ((long) id << 1) | 1);
        } else {
            recv(id);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        try (TcpStream wake = TcpStream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int id = 0; id < connections; id++) {
            streams[id].close();
        }
        listener.close();
        if (failure != null) {
            throw new IOException("jmio completion echo server failed", failure);
        }
        if (loop.isAlive()) {
            throw new IOException("jmio completion echo loop did not stop within 10 s");
        }
        if (closeFailure != null) {
            throw new IOException("closing the completion queue failed", closeFailure);
        }
    }
}
