package io.jmio.bench.echo;

import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.Errno;
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
 * <p>{@code uring-completion-bufring} ({@link #withBufferRing()}
 * with a ring): one multishot receive per connection from one {@link BufferRing} of {@value #RING_BUFFERS}
 * × {@value #RING_BUFFER_SIZE} B shared by all connections, instead of a recv per message. Each buffer
 * received is sent back straight from the ring (no copy) and recycled once fully sent; buffers
 * received while a send is in flight wait in the connection's FIFO of buffer ids, so replies keep
 * their order. A receive that ends (ENOBUFS: the ring ran dry; or a completion without MORE) is
 * submitted again: after ENOBUFS once the batch at hand recycled buffers, otherwise at once.
 *
 * <p>Counters, as the report reads them (system calls of the loop): {@code waits} counts reaps, each
 * one {@code io_uring_enter} here (every turn has submissions to hand over); recv and send make no
 * system call of their own, so {@code reads} and {@code writes} are reported as 0 (the submissions are
 * counted apart, for the tests: {@link #submissions()}). The strace mode counts the system calls themselves.
 *
 * <p>The queue is opened, served and closed on the loop thread (the ring's task-running mode
 * {@link UringCompletionBackend.TaskRun#DEFERRED} admits no other thread); the mode is the system
 * property {@value #TASK_RUN_PROPERTY} ({@code default}, {@code cooperative} or {@code deferred}; default
 * {@code deferred}: on a quiet machine it cut the loop's CPU per round trip by a third against
 * {@code default}, what {@code CompletionQueue.open} gives (6634 against 10,189 ns at 16 connections, 64 B;
 * under load from other work the difference had vanished).
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
    /** The buffer ring of {@code uring-completion-bufring}: 256 connections × 4 buffers of 16 KiB. */
    static final int RING_BUFFERS = 1024;
    static final int RING_BUFFER_SIZE = 16 * 1024;
    private static final int ENOBUFS = Errno.current().number("ENOBUFS");
    /** System property: the ring's task-running mode, a {@link UringCompletionBackend.TaskRun} in lower case. */
    public static final String TASK_RUN_PROPERTY = "jmio.bench.uring.taskrun";

    /** Set by the loop thread before it reports the queue open; read by others after that. */
    private CompletionQueue queue;
    private final Completions completions = new Completions(1024);
    private final TcpStream[] streams = new TcpStream[MAX_CONNECTIONS];
    private final ByteBuffer[] buffers = new ByteBuffer[MAX_CONNECTIONS];
    /** With a ring: set by the loop thread with the queue; else null. */
    private BufferRing ring;
    private final boolean withRing;
    private final int ringBuffers;
    private final int ringBufferSize;
    /** With a ring, per connection: the received buffers not yet fully sent, {@code id << 32 | length}, circular. */
    private final long[][] pending = new long[MAX_CONNECTIONS][];
    private final int[] pendingHead = new int[MAX_CONNECTIONS];
    private final int[] pendingCount = new int[MAX_CONNECTIONS];
    /** Bytes of the head buffer sent already. */
    private final int[] headSent = new int[MAX_CONNECTIONS];
    private final boolean[] ended = new boolean[MAX_CONNECTIONS];
    private final boolean[] closed = new boolean[MAX_CONNECTIONS];
    /** Connections whose receive ended with ENOBUFS, to receive again once buffers are back (circular). */
    private final int[] starved = new int[MAX_CONNECTIONS];
    private int starvedHead;
    private int starvedCount;
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
    private long enobufs;

    CompletionEchoServer() throws IOException {
        this(UringCompletionBackend.TaskRun.valueOf(
                System.getProperty(TASK_RUN_PROPERTY, "deferred").toUpperCase(Locale.ROOT)));
    }

    CompletionEchoServer(UringCompletionBackend.TaskRun taskRun) throws IOException {
        this(taskRun, 0, 0);
    }

    /** {@code uring-completion-bufring}: the ring's set-up as {@link #CompletionEchoServer()}'s, with a buffer ring. */
    static CompletionEchoServer withBufferRing() throws IOException {
        return new CompletionEchoServer(UringCompletionBackend.TaskRun.valueOf(
                System.getProperty(TASK_RUN_PROPERTY, "deferred").toUpperCase(Locale.ROOT)), RING_BUFFERS, RING_BUFFER_SIZE);
    }

    /**
     * @param taskRun        the ring's task-running mode
     * @param ringBuffers    0: a recv per message ({@code uring-completion}); else multishot receives from a
     *                       shared ring of this many buffers, a power of two ({@code uring-completion-bufring})
     * @param ringBufferSize each ring buffer's bytes
     * @throws IOException if the listener, the queue or the ring cannot be opened
     */
    CompletionEchoServer(UringCompletionBackend.TaskRun taskRun, int ringBuffers, int ringBufferSize) throws IOException {
        this.withRing = ringBuffers > 0;
        this.ringBuffers = ringBuffers;
        this.ringBufferSize = ringBufferSize;
        this.listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = listener.localAddress().getPort();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        this.loop = new Thread(() -> {
            try {
                queue = new UringCompletionBackend().open(1024, taskRun);
                if (withRing) {
                    ring = queue.bufferRing(ringBuffers, ringBufferSize);
                }
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

    /** @return recv submissions so far (racy read): with a ring, one per connection and one per ended receive */
    long receives() {
        return reads;
    }

    /** @return receives that ended because the ring ran dry (racy read) */
    long enobufs() {
        return enobufs;
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
                    } else if (withRing) {
                        if ((token & 1) == 0) {
                            receivedInRing((int) (token >>> 1), i);
                        } else {
                            sentFromRing((int) (token >>> 1), result);
                        }
                    } else if ((token & 1) == 0) {
                        received((int) (token >>> 1), result);
                    } else {
                        sent((int) (token >>> 1), result);
                    }
                }
                if (starvedCount > 0) {
                    resubmitStarved();
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
        if (withRing) {
            pending[id] = new long[ring.count()]; // a connection may hold every buffer of the ring
            receiveMultishot(id);
        } else {
            buffers[id] = ByteBuffer.allocateDirect(BUFFER_SIZE);
            recv(id);
        }
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

    // ---- uring-completion-bufring --------------------------------------------------------------

    private void receiveMultishot(int id) throws IOException {
        reads++;
        queue.recvMultishot(streams[id], ring, (long) id << 1);
    }

    private void receivedInRing(int id, int i) throws IOException {
        int n = completions.result(i);
        boolean more = completions.more(i);
        if (n > 0) {
            int buffer = completions.bufferId(i);
            if (closed[id]) {
                ring.recycle(buffer);
                return;
            }
            long[] fifo = pending[id];
            fifo[(pendingHead[id] + pendingCount[id]) & (fifo.length - 1)] = (long) buffer << 32 | n;
            if (pendingCount[id]++ == 0) {
                sendHead(id);
            }
            if (!more) {
                receiveMultishot(id); // the kernel ended the receive with bytes: arm it again
            }
        } else if (closed[id]) {
            return; // the last completion of a closed connection's receive
        } else if (n == 0) {
            ended[id] = true; // end of stream: closed once what it holds went back
            if (pendingCount[id] == 0) {
                closeInRing(id);
            }
        } else if (n == -ENOBUFS && !more) {
            enobufs++; // the ring ran dry; the bytes wait in the socket
            starved[(starvedHead + starvedCount++) % MAX_CONNECTIONS] = id;
        } else if (!more) {
            closeInRing(id); // reset, or another error
        }
    }

    private void sendHead(int id) throws IOException {
        long head = pending[id][pendingHead[id]];
        ByteBuffer b = ring.buffer((int) (head >>> 32)); // the ring's view, made once: no allocation
        b.limit((int) head).position(headSent[id]);
        writes++;
        queue.send(streams[id], b, ((long) id << 1) | 1);
    }

    private void sentFromRing(int id, int n) throws IOException {
        long[] fifo = pending[id];
        long head = fifo[pendingHead[id]];
        if (n < 0 || closed[id]) {
            closeInRing(id); // keeps the head: the kernel was reading it until this completion
            ring.recycle((int) (head >>> 32));
            pendingCount[id] = 0;
            return;
        }
        headSent[id] += n;
        if (headSent[id] == (int) head) {
            ring.recycle((int) (head >>> 32));
            pendingHead[id] = (pendingHead[id] + 1) & (fifo.length - 1);
            pendingCount[id]--;
            headSent[id] = 0;
        }
        if (pendingCount[id] > 0) {
            sendHead(id); // the rest of a partial send, or the next buffer
        } else if (ended[id]) {
            closeInRing(id);
        }
    }

    /**
     * Closes connection {@code id}: its operations in flight complete later (cancelled) and are told
     * apart by {@link #closed}; the buffers it holds go back, except the head while its send is in
     * flight (it goes back with that send's completion).
     */
    private void closeInRing(int id) throws IOException {
        if (!closed[id]) {
            closed[id] = true;
            long[] fifo = pending[id];
            for (int k = 1; k < pendingCount[id]; k++) {
                ring.recycle((int) (fifo[(pendingHead[id] + k) & (fifo.length - 1)] >>> 32));
            }
            pendingCount[id] = Math.min(pendingCount[id], 1);
            streams[id].close();
        }
    }

    /** Receives again on the connections starved by ENOBUFS, as many as the ring has buffers back. */
    private void resubmitStarved() throws IOException {
        int free = ring.count() - ring.held();
        while (free-- > 0 && starvedCount > 0) {
            int id = starved[starvedHead];
            starvedHead = (starvedHead + 1) % MAX_CONNECTIONS;
            starvedCount--;
            if (!closed[id]) {
                receiveMultishot(id);
            }
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
