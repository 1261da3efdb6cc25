package io.jmio.poll.epoll.reliability;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallSocketException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of the load and soak tests: one {@link Poll} accepting connections and echoing
 * each one's {@link SeededStream}, checking every byte on receipt against the stream its header
 * names, then closing first once all is echoed (so TIME_WAIT lands on the server's port).
 *
 * <p>A connection whose seed is a multiple of {@link #SERVER_RESET_PLAN} is reset by the server
 * (linger 0) once half its body has arrived: a fault injected from this side. A connection that
 * ends early from the client's side (end of stream or {@code ECONNRESET}/{@code EPIPE} before its
 * stream was complete) is counted as {@link #peerGone}. Anything else unexpected (a wrong byte, an
 * unexpected errno) throws.
 *
 * <p>An accept that fails with {@code EMFILE} or {@code ENFILE} is counted in {@link #acceptFailures} and
 * the server goes on serving; it retries the accept at every step until the backlog is drained, because
 * an edge-triggered listener reports the waiting connection only once (a level-triggered one would
 * report it again).
 *
 * <p>In level-triggered mode a connection asks for writable readiness only while an echo is stuck.
 *
 * <p>Threading: confined to the thread that calls {@link #step}.
 */
final class EchoServer implements AutoCloseable {
    /** Seeds that are multiples of this are reset by the server mid-stream. */
    static final long SERVER_RESET_PLAN = 16;
    private static final long LISTENER = Long.MAX_VALUE;

    private final Poll poll;
    private final TcpListener listener;
    private final Trigger trigger;
    private final int sendBufferSize;
    private final Events events = Events.withCapacity(1024);
    private final Map<Long, Conn> conns = new HashMap<>();
    private long nextToken;
    /** An accept failed for want of descriptors: connections may still be waiting. */
    private boolean acceptBacklogged;

    long accepted;
    int open;
    int peakOpen;
    long completed;
    /** Bytes of the connections that completed (each received, checked and echoed in full). */
    long completedBytes;
    long resetsInjected;
    long peerGone;
    long bytesVerified;
    long bytesEchoed;
    long reregistrations;
    /** Accepts that failed for want of descriptors ({@code EMFILE}, {@code ENFILE}); the server carries on. */
    long acceptFailures;
    /** The descriptor number of every accepted connection, in order. */
    final List<Integer> acceptedFds = new ArrayList<>();

    /** One connection: echoes what it reads, checking it against the stream first. */
    private static final class Conn {
        final TcpStream stream;
        final long token;
        final ByteBuffer buf = ByteBuffer.allocate(4096).limit(0); // read mode: the pending echo
        final byte[] header = new byte[SeededStream.HEADER];
        long seed;
        long bodyLength = -1;
        long received;
        long echoed;
        boolean waitingToWrite;

        Conn(TcpStream stream, long token) {
            this.stream = stream;
            this.token = token;
        }

        long total() {
            return bodyLength < 0 ? Long.MAX_VALUE : SeededStream.HEADER + bodyLength;
        }
    }

    /**
     * @param sendBufferSize {@code SO_SNDBUF} for accepted connections (small makes echoes block), 0 to keep the default
     */
    EchoServer(Poll poll, TcpListener listener, Trigger trigger, int sendBufferSize) throws IOException {
        this.poll = poll;
        this.listener = listener;
        this.trigger = trigger;
        this.sendBufferSize = sendBufferSize;
        poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE, trigger);
    }

    /** Polls once (at most {@code timeout}) and handles what it reports. */
    void step(Duration timeout) throws IOException {
        poll.poll(events, timeout);
        for (Event e : events) {
            if (e.token() == LISTENER) {
                accept();
            } else {
                Conn c = conns.get(e.token());
                if (c != null) {
                    service(c);
                }
            }
        }
        if (acceptBacklogged) {
            accept();
        }
    }

    /** @return true if {@code token} is a waker or other foreign token seen by the last step */
    boolean sawToken(long token) {
        for (Event e : events) {
            if (e.token() == token) {
                return true;
            }
        }
        return false;
    }

    private void accept() throws IOException {
        while (true) {
            TcpStream s;
            try {
                s = listener.accept();
            } catch (SyscallSocketException e) {
                if (!e.errnoName().equals("EMFILE") && !e.errnoName().equals("ENFILE")) {
                    throw e;
                }
                // Out of descriptors: report and go on serving the connections we have. The pending
                // connection stays queued, and step() retries until the backlog is drained.
                acceptFailures++;
                acceptBacklogged = true;
                return;
            }
            if (s == null) {
                acceptBacklogged = false;
                return;
            }
            if (sendBufferSize > 0) {
                s.setSendBufferSize(sendBufferSize);
            }
            acceptedFds.add(s.rawFd());
            Conn c = new Conn(s, nextToken++);
            conns.put(c.token, c);
            Interest interest = trigger == Trigger.EDGE ? Interest.READABLE.add(Interest.WRITABLE) : Interest.READABLE;
            poll.registry().register(s, Token.of(c.token), interest, trigger);
            accepted++;
            open++;
            peakOpen = Math.max(peakOpen, open);
        }
    }

    /** Flush the pending echo, then read more; stop when either would block or the connection ends. */
    private void service(Conn c) throws IOException {
        try {
            while (true) {
                while (c.buf.hasRemaining()) {
                    int n = c.stream.write(c.buf);
                    if (n == 0) {
                        waitForWritable(c, true);
                        return;
                    }
                    c.echoed += n;
                    bytesEchoed += n;
                }
                waitForWritable(c, false);
                if (c.echoed == c.total()) {
                    completed++;
                    completedBytes += c.total();
                    end(c);
                    return;
                }
                c.buf.clear();
                int n = c.stream.read(c.buf);
                c.buf.flip();
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    peerGone++;
                    end(c);
                    return;
                }
                verify(c, n);
                if (c.bodyLength >= 0 && c.seed % SERVER_RESET_PLAN == 0
                        && c.received >= SeededStream.HEADER + c.bodyLength / 2) {
                    // Injected fault: reset with part of the echo still owed, so the client is cut short.
                    c.stream.setLinger(Duration.ZERO);
                    resetsInjected++;
                    end(c);
                    return;
                }
            }
        } catch (SyscallSocketException e) {
            if (!e.errnoName().equals("ECONNRESET") && !e.errnoName().equals("EPIPE")) {
                throw e;
            }
            peerGone++;
            end(c);
        }
    }

    private void end(Conn c) throws IOException {
        conns.remove(c.token);
        c.stream.close();
        open--;
    }

    private void verify(Conn c, int n) throws IOException {
        int i = 0;
        for (; i < n && c.received + i < SeededStream.HEADER; i++) {
            c.header[(int) (c.received + i)] = c.buf.get(i);
        }
        if (c.bodyLength < 0 && c.received + i == SeededStream.HEADER) {
            ByteBuffer h = ByteBuffer.wrap(c.header);
            c.seed = h.getLong();
            c.bodyLength = h.getLong();
            if (c.bodyLength < 0 || c.bodyLength >= 1L << 30) {
                throw new IOException("connection " + c.token + ": bad header, body length " + c.bodyLength);
            }
        }
        for (; i < n; i++) {
            long pos = c.received + i - SeededStream.HEADER;
            if (c.buf.get(i) != SeededStream.body(c.seed, pos)) {
                throw new IOException("connection " + c.token + " (seed " + c.seed + "): byte " + pos + " differs");
            }
        }
        c.received += n;
        if (c.received > c.total()) {
            throw new IOException("connection " + c.token + ": more bytes than its header announced");
        }
        bytesVerified += n;
    }

    private void waitForWritable(Conn c, boolean stuck) throws IOException {
        if (trigger == Trigger.LEVEL && stuck != c.waitingToWrite) {
            c.waitingToWrite = stuck;
            poll.registry().reregister(c.stream, Token.of(c.token), stuck ? Interest.WRITABLE : Interest.READABLE, trigger);
            reregistrations++;
        }
    }

    /** Closes every connection still open (not the listener or the poll). */
    @Override
    public void close() throws IOException {
        for (Conn c : conns.values()) {
            c.stream.close();
        }
        conns.clear();
    }
}
