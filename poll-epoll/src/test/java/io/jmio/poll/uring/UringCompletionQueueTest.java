package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The io_uring completion queue on the real kernel: each operation, cancellation, a full submission
 * ring, completion-queue overflow, a peer reset, close with operations in flight. Skipped, naming the
 * cause, where io_uring is unavailable.
 *
 * <p>Threading: JUnit's.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UringCompletionQueueTest {
    private static final long ACCEPT = 1;
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private CompletionQueue q;
    private TcpListener listener;
    private final Completions c = new Completions(64);

    @BeforeEach
    void open() throws IOException {
        UringTestBackend.available();
        q = CompletionQueue.open("io_uring", 8);
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws IOException {
        if (q != null) {
            q.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** Reaps until a completion with {@code token} arrives; returns its index in {@link #c}. */
    private int await(long token) throws IOException {
        return Reaping.await(q, c, token);
    }

    /** Reaps until completions with all {@code tokens} arrived; returns their results. */
    private java.util.Map<Long, Integer> results(long... tokens) throws IOException {
        return Reaping.results(q, c, tokens);
    }

    /** Connects a client and accepts it through the queue (multishot accept under ACCEPT, armed once). */
    private TcpStream[] pair() throws IOException {
        if (q.inFlight() == 0 || !acceptArmed) {
            q.accept(listener, ACCEPT);
            acceptArmed = true;
        }
        TcpStream client = TcpStream.connect(listener.localAddress());
        int i = await(ACCEPT);
        assertTrue(c.result(i) >= 0, () -> "accept failed: " + c.errnoName(i));
        assertTrue(c.more(i), "multishot accept stays armed");
        return new TcpStream[] {client, TcpStream.fromFd(c.result(i))};
    }

    private boolean acceptArmed;

    private static ByteBuffer direct(String s) {
        ByteBuffer b = NativeMemory.allocate(s.length());
        b.put(s.getBytes(StandardCharsets.US_ASCII)).flip();
        return b;
    }

    private static String string(ByteBuffer b, int n) {
        byte[] bytes = new byte[n];
        b.get(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void sendAndRecvMoveBytes() throws IOException {
        TcpStream[] p = pair();
        try {
            ByteBuffer dst = NativeMemory.allocate(64);
            q.recv(p[1], dst, 20);
            q.send(p[0], direct("hello"), 10);
            java.util.Map<Long, Integer> r = results(10, 20);
            assertEquals(5, r.get(10L));
            assertEquals(5, r.get(20L));
            assertEquals("hello", string(dst, 5));
            assertEquals(0, dst.position(), "the queue leaves the position to the caller");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void connectCompletesAndTheStreamCarriesBytes() throws IOException {
        q.accept(listener, ACCEPT);
        acceptArmed = true;
        TcpStream client = q.connect(listener.localAddress(), 90);
        java.util.Map<Long, Integer> r = results(90, ACCEPT);
        assertEquals(0, r.get(90L), "connected");
        try (TcpStream server = TcpStream.fromFd(r.get(ACCEPT))) {
            assertEquals(listener.localAddress(), client.peerAddress());
            q.send(client, direct("hi"), 91);
            ByteBuffer dst = NativeMemory.allocate(8);
            q.recv(server, dst, 92);
            assertEquals(2, results(91, 92).get(92L));
            assertEquals("hi", string(dst, 2));
        } finally {
            client.close();
        }
    }

    @Test
    void connectToAClosedPortCompletesWithEconnrefused() throws IOException {
        InetSocketAddress gone = listener.localAddress();
        listener.close();
        listener = null;
        try (TcpStream client = q.connect(gone, 93)) {
            int i = await(93);
            assertEquals("ECONNREFUSED", c.errnoName(i));
        }
    }

    @Test
    void multishotAcceptReportsEachConnection() throws IOException {
        TcpStream[] a = pair();
        TcpStream[] b = pair();
        try {
            assertNotEquals(a[1].rawFd(), b[1].rawFd());
            assertEquals(1, q.inFlight(), "one multishot accept serves both");
        } finally {
            for (TcpStream s : new TcpStream[] {a[0], a[1], b[0], b[1]}) {
                s.close();
            }
        }
    }

    @Test
    void timeoutCompletesWithEtime() throws IOException {
        q.timeout(TimeUnit.MILLISECONDS.toNanos(5), 7);
        int i = await(7);
        assertEquals("ETIME", c.errnoName(i));
        assertEquals(0, q.inFlight());
    }

    @Test
    void cancelEndsARecvWithEcanceled() throws IOException {
        TcpStream[] p = pair();
        try {
            q.recv(p[1], NativeMemory.allocate(16), 30);
            q.submit();
            q.cancel(30, 31);
            Set<Long> seen = new HashSet<>();
            long deadline = System.nanoTime() + WAIT;
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
                for (int i = 0; i < c.size(); i++) {
                    if (c.token(i) == 30) {
                        assertEquals("ECANCELED", c.errnoName(i));
                    } else if (c.token(i) == 31) {
                        assertEquals(0, c.result(i), "the cancel found its target");
                    }
                    seen.add(c.token(i));
                }
            }
            assertEquals(Set.of(30L, 31L), seen);
            q.cancel(30, 32); // nothing is in flight under 30 any more: the kernel's "not found"
            int i = await(32);
            assertEquals("ENOENT", c.errnoName(i));
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void aFullSubmissionRingIsSubmittedAndRetried() throws IOException {
        // the ring has 8 entries; 30 timeouts need the queue to hand the kernel full rings on its own
        for (int k = 0; k < 30; k++) {
            q.timeout(1000, 100 + k);
        }
        Set<Long> seen = reapAll(30);
        assertEquals(30, seen.size());
    }

    @Test
    void completionQueueOverflowLosesNothing() throws IOException {
        UringCompletionQueue uq = (UringCompletionQueue) q;
        int n = q.capacity(); // twice the completion ring: half of them overflow
        for (int k = 0; k < n; k++) {
            q.timeout(0, 1000 + k);
        }
        q.submit();
        long deadline = System.nanoTime() + WAIT;
        while (!uq.overflowPending() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(uq.overflowPending(), "the kernel reports completions it had no room for");
        Set<Long> seen = reapAll(n);
        assertEquals(n, seen.size(), "every completion arrives once (IORING_FEAT_NODROP)");
    }

    private Set<Long> reapAll(int n) throws IOException {
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + WAIT;
        while (seen.size() < n && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                assertTrue(seen.add(c.token(i)), "token " + c.token(i) + " reported twice");
            }
        }
        assertEquals(0, q.inFlight());
        return seen;
    }

    @Test
    void peerResetEndsARecvInFlight() throws IOException {
        TcpStream[] p = pair();
        try {
            q.recv(p[1], NativeMemory.allocate(16), 40);
            q.submit();
            p[0].setLinger(Duration.ZERO); // close sends RST
            p[0].close();
            int i = await(40);
            assertTrue(c.result(i) == 0 || "ECONNRESET".equals(c.errnoName(i)),
                    () -> "recv after reset: " + c.result(i));
        } finally {
            p[1].close();
        }
    }

    @Test
    void queueCloseCancelsAndTheNumberIsReusedOnlyAfterwards() throws IOException {
        TcpStream[] p = pair();
        int oldFd = p[1].rawFd();
        ByteBuffer old = NativeMemory.allocate(16);
        q.recv(p[1], old, 50);
        q.submit();
        q.close(p[1], 51);
        assertThrows(ClosedChannelException.class, () -> q.recv(p[1], old, 52));
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + WAIT;
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                if (c.token(i) == 50) {
                    assertEquals("ECANCELED", c.errnoName(i));
                } else if (c.token(i) == 51) {
                    assertEquals(1, c.result(i), "one operation cancelled");
                }
                seen.add(c.token(i));
            }
        }
        assertEquals(Set.of(50L, 51L), seen);
        assertTrue(UringNative.fstat(oldFd, new long[2]) < 0, "the descriptor is closed once its last operation is reaped");
        TcpStream[] next = pair(); // the kernel hands out the lowest free number: typically the old one
        try {
            next[0].write(ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(next[1], dst, 53);
            int i = await(53);
            assertEquals(3, c.result(i));
            assertEquals(0, old.get(0), "the cancelled recv received nothing");
        } finally {
            p[0].close();
            next[0].close();
            next[1].close();
        }
    }

    @Test
    void plainCloseKeepsTheNumberUntilTheCancelledOperationIsReaped() throws IOException {
        TcpStream[] p = pair();
        int oldFd = p[1].rawFd();
        ByteBuffer old = NativeMemory.allocate(16);
        q.recv(p[1], old, 60);
        q.submit();
        p[1].close(); // from the application: the recv in flight holds the number, the next reap cancels it
        assertTrue(UringNative.fstat(oldFd, new long[2]) >= 0, "the number stays open while the recv is in flight");
        int i = await(60);
        assertEquals("ECANCELED", c.errnoName(i));
        assertTrue(UringNative.fstat(oldFd, new long[2]) < 0, "closed once the recv is reaped");
        TcpStream[] next = pair();
        try {
            next[0].write(ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(next[1], dst, 61);
            i = await(61);
            assertEquals(3, c.result(i));
            assertEquals(0, old.get(0), "the old recv never sees the new connection's bytes");
        } finally {
            p[0].close();
            next[0].close();
            next[1].close();
        }
    }

    @Test
    void operationsOnAClosedStreamFail() throws IOException {
        TcpStream[] p = pair();
        p[0].close();
        p[1].close();
        assertThrows(ClosedChannelException.class, () -> q.send(p[1], direct("x"), 70));
        assertThrows(IllegalArgumentException.class, () -> q.recv(p[0], ByteBuffer.allocate(4), 71));
        assertEquals(1, q.inFlight(), "only the accept is in flight");
        assertFalse(p[1].isOpen());
    }

    @Test
    void closingTheQueueReleasesWhatIsInFlight() throws IOException {
        TcpStream[] p = pair();
        int fd = p[1].rawFd();
        q.recv(p[1], NativeMemory.allocate(16), 80);
        q.submit();
        p[1].close();
        q.close();
        assertTrue(UringNative.fstat(fd, new long[2]) < 0, "the stream's deferred close ran at queue close");
        p[0].close();
    }
}
