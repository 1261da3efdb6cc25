package io.jmio.examples;

import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A TCP echo server on the completion API ({@link CompletionQueue}, io_uring on Linux), on one thread:
 * every byte a client sends comes back, in order. It is {@link EchoServer} turned inside out: instead
 * of waiting until a socket is ready and then reading, it asks the kernel to read and is told when
 * the bytes are there.
 *
 * <ul>
 * <li><b>Accept</b> is one multishot request: a completion per connection. When it ends (a completion
 * without {@link Completions#MORE}) it is submitted again; when it ends for want of descriptors
 * ({@code EMFILE}, {@code ENFILE}) the connections stay in the backlog, and it is submitted again
 * after a {@link CompletionQueue#timeout timeout} of {@link AcceptRetry#RETRY} rather than at once
 * (which would fail again at once, in a busy loop).</li>
 * <li><b>Receive</b>: each connection has one multishot receive into a {@link BufferRing} shared by
 * all connections; the kernel picks a buffer when bytes arrive. A received buffer is not copied: it is
 * sent back as it is and recycled to the ring once fully sent.</li>
 * <li><b>Send</b>: one send in flight per connection, so bytes go back in the order they came. The
 * buffers received meanwhile wait in a small per-connection queue of buffer ids (at most the ring's
 * count). A partial send is continued from where it stopped.</li>
 * <li><b>Back-pressure</b>: a connection holding a quarter of the ring (its client reads slower than
 * it writes) has its receive {@link CompletionQueue#cancel cancelled} (after the batch of completions
 * at hand: the receive's last completion may be in it already), and armed again once half its queue
 * went back; a starved one that holds its quarter is not armed again either. So a slow client waits
 * and the others keep most of the ring. It is a bound in practice, not a guarantee: the kernel may fill
 * more buffers for the connection before the cancel takes effect, and clients that all stop reading
 * hold the whole ring (the others' receives then wait, with {@code ENOBUFS}, until some read). Copying
 * each buffer out into memory of the connection's would bound it exactly, at the cost of a copy.</li>
 * <li><b>The ring running dry</b>: when every buffer waits in some connection's queue, a receive
 * ends with {@code ENOBUFS}; the bytes stay in the socket. The connection waits on a list of starved
 * connections, and its receive is submitted again once buffers are back in the ring: nothing is lost.</li>
 * <li><b>Closing</b>: end of stream (result 0) closes the connection once its queue is sent; an error
 * ({@code ECONNRESET}, {@code EPIPE}, ...) closes it at once, with {@link CompletionQueue#close(
 * io.jmio.poll.spi.Guarded, long)}, which cancels its operations in flight. Their completions come
 * later: the token names the connection's slot <em>and</em> generation, so a completion of a closed
 * connection is recognised (its slot may serve a new one already) and only gives its buffer back.</li>
 * </ul>
 *
 * <p><b>Tokens</b> (64 bits): kind in bits 0 to 3, a buffer id in bits 4 to 19 (a send carries the
 * id of the buffer it sends, so even a late one returns it to the ring), the connection's generation
 * in bits 20 to 39 (a counter, wrapping after 2<sup>20</sup> connections) and its slot in bits 40 to 63.
 *
 * <p>Steady state (receives, sends, recycling, even the ring running dry) allocates nothing; a
 * connection allocates when it is accepted. A connection accepted while the queue has no room for
 * its four operations (receive, send, cancel, close) is closed at once.
 *
 * <pre>
 * java -cp ... io.jmio.examples.CompletionEchoServer 9002    # then: nc 127.0.0.1 9002
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} and the counters from any.
 */
public final class CompletionEchoServer implements ExampleServer {
    /** The ring's buffers when none is given. */
    public static final int DEFAULT_BUFFERS = 256;
    /** Each buffer's bytes when none is given. */
    public static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

    private static final int ACCEPT = 1;
    private static final int ACCEPT_RETRY = 2;
    private static final int RECV = 3;
    private static final int SEND = 4;
    private static final int CLOSE = 5;
    private static final int CANCEL = 6;
    private static final int NO_BUFFER = 0xFFFF;
    private static final int GENERATION_MASK = (1 << 20) - 1;
    private static final long RETRY_NANOS = AcceptRetry.RETRY.toNanos();
    /** Submission entries; io_uring makes twice as many completion entries, the queue holds twice those in flight. */
    private static final int ENTRIES = 512;

    private final CompletionQueue queue;
    private final TcpListener listener;
    private final BufferRing ring;
    private final Completions completions = new Completions(256);
    private final Slab<Connection> connections = new Slab<>();
    /** Connections whose receive ended with ENOBUFS, waiting for buffers. */
    private final ArrayDeque<Connection> starved = new ArrayDeque<>();
    /** Connections that paused in this batch of completions, their receive to cancel after it. */
    private final ArrayDeque<Connection> pausing = new ArrayDeque<>();
    private final AcceptRetry acceptRetry = new AcceptRetry();
    /** A connection holding this many buffers stops receiving, so that it cannot take the whole ring. */
    private final int pauseAt;
    private int nextGeneration;
    private volatile boolean stopping;
    private volatile long enobufs;
    private volatile long resets;
    private volatile int open;
    private volatile int held;

    /** One client: its stream and the buffers received, waiting to be sent back in order. */
    private final class Connection {
        final TcpStream stream;
        final int generation;
        int slot;
        /** Buffer ids and their lengths, a circular queue: the head is being sent. */
        final int[] ids = new int[ring.count()];
        final int[] lengths = new int[ring.count()];
        int head;
        int queued;
        /** Bytes of the head buffer sent already. */
        int sent;
        boolean sending;
        boolean receiving;
        /** Its receive is cancelled (or ended) because its queue is long: the client reads too slowly. */
        boolean paused;
        boolean ended;
        boolean closed;

        Connection(TcpStream stream, int generation) {
            this.stream = stream;
            this.generation = generation;
        }

        long token(int kind, int bufferId) {
            return ((long) slot << 40) | ((long) generation << 20) | ((long) bufferId << 4) | kind;
        }
    }

    /**
     * A server with a ring of {@link #DEFAULT_BUFFERS} buffers of {@link #DEFAULT_BUFFER_SIZE} bytes.
     *
     * @param address where to listen
     * @throws IOException if the queue, the ring or the listener cannot be opened (io_uring unavailable, say)
     */
    public CompletionEchoServer(InetSocketAddress address) throws IOException {
        this(address, DEFAULT_BUFFERS, DEFAULT_BUFFER_SIZE);
    }

    /**
     * @param address    where to listen
     * @param buffers    the ring's buffers, shared by all connections: a power of two
     * @param bufferSize each buffer's bytes
     * @throws IOException if the queue, the ring or the listener cannot be opened (io_uring unavailable, say)
     */
    public CompletionEchoServer(InetSocketAddress address, int buffers, int bufferSize) throws IOException {
        queue = CompletionQueue.open("io_uring", ENTRIES);
        try {
            ring = queue.bufferRing(buffers, bufferSize);
            listener = TcpListener.bind(address);
        } catch (IOException | RuntimeException e) {
            queue.close();
            throw e;
        }
        pauseAt = Math.max(2, buffers / 4);
        queue.accept(listener, ACCEPT);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    @Override
    public void run() throws IOException {
        while (!stopping) {
            queue.reap(completions, -1); // submits what the last turn queued and recycled, then waits
            for (int i = 0; i < completions.size(); i++) {
                long token = completions.token(i);
                int kind = (int) (token & 0xF);
                if (kind == ACCEPT) {
                    accepted(i);
                } else if (kind == ACCEPT_RETRY) {
                    queue.accept(listener, ACCEPT);
                } else {
                    Connection c = connections.get(token >>> 40);
                    if (c == null || c.generation != ((int) (token >>> 20) & GENERATION_MASK)) {
                        late(i, kind, token); // a completion of a connection closed already
                    } else if (kind == RECV) {
                        received(c, i);
                    } else if (kind == SEND) {
                        sent(c, i);
                    }
                }
            }
            cancelPaused();
            resubmitStarved();
            held = ring.held();
        }
    }

    /**
     * Cancels the receives of the connections that paused in the batch just handled. Not while handling
     * it: the batch may hold a receive's last completion (ENOBUFS, say) after the one that paused it,
     * and the queue counts the receive as finished from the reap on, so {@code cancel} would refuse it.
     */
    private void cancelPaused() throws IOException {
        Connection c;
        while ((c = pausing.poll()) != null) {
            if (c.paused && c.receiving && !c.closed) {
                queue.cancel(c.token(RECV, NO_BUFFER), c.token(CANCEL, NO_BUFFER));
            }
        }
    }

    private void accepted(int i) throws IOException {
        int fd = completions.result(i);
        if (fd < 0) {
            String errno = completions.errnoName(i);
            if ("EMFILE".equals(errno) || "ENFILE".equals(errno) || "ENOBUFS".equals(errno) || "ENOMEM".equals(errno)) {
                // the connection waits in the backlog; accepting again at once would fail again at once
                acceptRetry.failed(new IOException("accept: " + errno));
                if (!completions.more(i)) {
                    queue.timeout(RETRY_NANOS, ACCEPT_RETRY);
                }
                return;
            }
            if (!"ECONNABORTED".equals(errno) && !"EINTR".equals(errno) && !"ECANCELED".equals(errno)) {
                throw new IOException("accept failed: " + errno);
            }
        } else {
            acceptRetry.drained();
            open(fd);
        }
        if (!completions.more(i) && !stopping) {
            queue.accept(listener, ACCEPT); // the multishot accept ended: arm it again
        }
    }

    private void open(int fd) throws IOException {
        TcpStream stream = TcpStream.fromFd(fd);
        if (queue.inFlight() + 4 > queue.capacity()) {
            stream.close(); // no room for its receive, send, cancel and close: refused (no operation on it yet)
            return;
        }
        // Replies go out at once: with Nagle's algorithm a small reply waits for the ACK of the one before.
        stream.setNoDelay(true);
        Connection c = new Connection(stream, nextGeneration);
        nextGeneration = (nextGeneration + 1) & GENERATION_MASK;
        c.slot = connections.add(c);
        open++;
        receive(c);
    }

    private void receive(Connection c) throws IOException {
        c.receiving = true;
        queue.recvMultishot(c.stream, ring, c.token(RECV, NO_BUFFER));
    }

    private void received(Connection c, int i) throws IOException {
        int n = completions.result(i);
        boolean more = completions.more(i);
        if (!more) {
            c.receiving = false;
        }
        if (n > 0) {
            int id = completions.bufferId(i);
            int tail = (c.head + c.queued) % c.ids.length;
            c.ids[tail] = id;
            c.lengths[tail] = n;
            c.queued++;
            if (!c.sending) {
                sendHead(c);
            }
            if (c.queued >= pauseAt && !c.paused) {
                c.paused = true; // back-pressure: a client that does not read must not hold every buffer
                pausing.add(c);  // cancelled after this batch: its last completion may be in it already
            }
            if (!more) {
                resume(c); // ended with bytes (the kernel may end a multishot receive so): arm it again
            }
            return;
        }
        if (n == 0) {
            c.ended = true; // end of stream: close once everything queued went back
            if (!c.sending) {
                close(c);
            }
            return;
        }
        String errno = completions.errnoName(i);
        if ("ENOBUFS".equals(errno)) {
            enobufs++;
            if (c.queued >= pauseAt) {
                c.paused = true; // it holds its share: received again once its queue is short
            } else {
                c.paused = false;
                starved.add(c); // the bytes wait in the socket; received again once buffers are back
            }
        } else if (c.paused && "ECANCELED".equals(errno)) {
            resume(c); // the pause took effect; received again once its queue is short
        } else {
            if ("ECONNRESET".equals(errno)) {
                resets++;
            }
            close(c); // ECONNRESET, or any other error: drop this client, keep serving the others
        }
    }

    private void sendHead(Connection c) throws IOException {
        int id = c.ids[c.head];
        ByteBuffer b = ring.buffer(id); // the same view every time: no allocation
        b.limit(c.lengths[c.head]).position(c.sent);
        c.sending = true;
        queue.send(c.stream, b, c.token(SEND, id));
    }

    private void sent(Connection c, int i) throws IOException {
        c.sending = false;
        int n = completions.result(i);
        if (n < 0) {
            if ("ECONNRESET".equals(completions.errnoName(i))) {
                resets++;
            }
            close(c); // EPIPE, ECONNRESET: the client is gone
            return;
        }
        c.sent += n;
        if (c.sent == c.lengths[c.head]) {
            ring.recycle(c.ids[c.head]);
            c.head = (c.head + 1) % c.ids.length;
            c.queued--;
            c.sent = 0;
        }
        if (c.paused) {
            resume(c);
        }
        if (c.queued > 0) {
            sendHead(c); // the rest of a partial send, or the next buffer
        } else if (c.ended) {
            close(c);
        }
    }

    /** Arms the receive of {@code c} again, unless it is paused with a long queue, armed, or finished. */
    private void resume(Connection c) throws IOException {
        if (c.receiving || c.ended || c.closed || (c.paused && c.queued > pauseAt / 2)) {
            return;
        }
        c.paused = false;
        receive(c);
    }

    /** A completion of a closed connection: it only gives back the buffer it names. */
    private void late(int i, int kind, long token) {
        if (kind == RECV && completions.result(i) > 0) {
            ring.recycle(completions.bufferId(i));
        } else if (kind == SEND) {
            ring.recycle((int) (token >>> 4) & 0xFFFF); // its buffer was the kernel's until now
        }
    }

    /**
     * Closes {@code c}: its operations are cancelled and complete later, recognised as late by their
     * generation; the buffers it queued go back to the ring, except the one a send in flight reads.
     */
    private void close(Connection c) throws IOException {
        if (c.closed) {
            return;
        }
        c.closed = true;
        for (int k = c.sending ? 1 : 0; k < c.queued; k++) {
            ring.recycle(c.ids[(c.head + k) % c.ids.length]);
        }
        c.queued = 0;
        connections.remove(c.slot); // the slot serves the next connection; late completions find another generation
        open--;
        queue.close(c.stream, c.token(CLOSE, NO_BUFFER));
    }

    /** Receives again on starved connections, as many as there are buffers in the ring. */
    private void resubmitStarved() throws IOException {
        int free = ring.count() - ring.held();
        while (free-- > 0 && !starved.isEmpty()) {
            Connection c = starved.poll();
            if (!c.closed && !c.receiving && !c.ended) {
                receive(c);
            }
        }
    }

    /** @return how many receives ended because the ring ran dry */
    public long enobufs() {
        return enobufs;
    }

    /** @return how many connections were reset by their client */
    public long resets() {
        return resets;
    }

    /** @return the ring's buffers that connections hold (received, not yet sent back), as of the loop's last turn */
    public int heldBuffers() {
        return held;
    }

    /** @return the connections open now */
    public int openConnections() {
        return open;
    }

    /** @return how many accepts failed for want of descriptors (each retried after {@link AcceptRetry#RETRY}) */
    public long acceptFailures() {
        return acceptRetry.failures();
    }

    @Override
    public void stop() {
        stopping = true;
        try {
            queue.wakeup();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            queue.close(); // the kernel cancels what is in flight; the ring is closed with it
        } catch (IOException e) {
            failure = e;
        }
        try {
            listener.close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        IOException[] streams = {failure};
        connections.drain(c -> {
            try {
                c.stream.close();
            } catch (IOException e) {
                streams[0] = add(streams[0], e);
            }
        });
        open = 0;
        if (streams[0] != null) {
            throw streams[0];
        }
    }

    private static IOException add(IOException failure, IOException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }

    /**
     * @param args {@code [port [host]]}, default 9002 on 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        ExampleServer.runUntilInterrupted("completion echo server",
                new CompletionEchoServer(ExampleServer.address(args, 9002)));
    }
}
