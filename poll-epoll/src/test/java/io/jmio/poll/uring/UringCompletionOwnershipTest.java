package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The servers issue's rules on the completion queue, on the real kernel: a socket belongs to one
 * queue at a time (and not to a queue and a poll at once); plain close from any thread cancels the
 * socket's operations and really closes the descriptor; a queued operation of a closed socket never
 * reaches a reused number; {@link CompletionQueue#wakeup()} returns a blocked reap. Every wait that
 * could hang on a broken implementation carries a safety-net timeout operation of the queue, so the
 * test fails instead of hanging.
 *
 * <p>Threading: JUnit's, plus the closing or waking threads each test starts and joins.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringCompletionOwnershipTest {
    private static final long ACCEPT = 1;
    private static final long SAFETY = 999;
    private static final long SAFETY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int ECANCELED = UringNative.ECANCELED;

    private CompletionQueue q;
    private TcpListener listener;
    private final Completions c = new Completions(64);

    @BeforeEach
    void open() throws IOException {
        UringTestBackend.available();
        q = CompletionQueue.open("io_uring", 16);
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

    /** A connected pair {client, server}, accepted without the queue. */
    private TcpStream[] pair() throws IOException {
        TcpStream client = TcpStream.connect(listener.localAddress());
        long deadline = System.nanoTime() + SAFETY_NANOS;
        while (System.nanoTime() < deadline) {
            TcpStream server = listener.accept();
            if (server != null) {
                return new TcpStream[] {client, server};
            }
            Thread.onSpinWait();
        }
        client.close();
        throw new AssertionError("loopback connection not accepted in time");
    }

    /** The open file behind {@code fd} (device, inode), or null if the number is closed. */
    private static long[] identity(int fd) {
        long[] id = new long[2];
        return UringNative.fstat(fd, id) < 0 ? null : id;
    }

    /** True if {@code fd} no longer names the file it named when {@code was} was taken (closed, or reused). */
    private static boolean gone(int fd, long[] was) {
        long[] now = identity(fd);
        return now == null || now[0] != was[0] || now[1] != was[1];
    }

    /**
     * Reaps with {@code reap(-1)} until {@code token} completes; a safety-net timeout (token
     * {@link #SAFETY}) ends a wait that would otherwise hang. Returns the results seen, by token.
     */
    private Map<Long, Integer> reapUntil(CompletionQueue queue, long token) throws IOException {
        Map<Long, Integer> seen = new HashMap<>();
        queue.timeout(SAFETY_NANOS, SAFETY);
        while (!seen.containsKey(token)) {
            queue.reap(c, -1);
            for (int i = 0; i < c.size(); i++) {
                seen.put(c.token(i), c.result(i));
            }
            if (seen.containsKey(SAFETY) && !seen.containsKey(token)) {
                throw new AssertionError("no completion for token " + token + " within 5 s; saw " + seen);
            }
        }
        if (!seen.containsKey(SAFETY)) {
            queue.cancel(SAFETY, SAFETY + 1);
            while (!seen.containsKey(SAFETY) || !seen.containsKey(SAFETY + 1)) {
                queue.reap(c, -1);
                for (int i = 0; i < c.size(); i++) {
                    seen.put(c.token(i), c.result(i));
                }
            }
        }
        return seen;
    }

    /** Runs {@code r} on a new thread once the returned latch is counted down; joined by {@link #join}. */
    private static Thread after(CountDownLatch go, AtomicReference<Throwable> failure, IoRunnable r) {
        Thread t = new Thread(() -> {
            try {
                go.await();
                r.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "ownership-test-closer");
        t.start();
        return t;
    }

    private static void join(Thread t, AtomicReference<Throwable> failure) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(t.isAlive(), "the other thread finished");
        if (failure.get() != null) {
            throw new AssertionError("the other thread failed", failure.get());
        }
    }

    @FunctionalInterface
    private interface IoRunnable {
        void run() throws Exception;
    }

    // ---- close from another thread cancels --------------------------------------------------

    @Test
    void plainCloseFromAnotherThreadCancelsAMultishotAcceptAndClosesTheDescriptor() throws Exception {
        int fd = listener.rawFd();
        long[] was = identity(fd);
        q.accept(listener, ACCEPT);
        q.submit();
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread closer = after(go, failure, listener::close);
        go.countDown(); // the owner is in, or about to be in, reap(-1): either order must work
        Map<Long, Integer> seen = reapUntil(q, ACCEPT);
        join(closer, failure);
        assertEquals(-ECANCELED, seen.get(ACCEPT), "the multishot accept ends with ECANCELED");
        assertEquals(0, q.inFlight());
        assertTrue(gone(fd, was), "the listener's descriptor is closed");
        listener = null;
    }

    @Test
    void plainCloseFromAnotherThreadCancelsARecvWaitingForData() throws Exception {
        TcpStream[] p = pair();
        try {
            int fd = p[1].rawFd();
            long[] was = identity(fd);
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(p[1], dst, 10);
            q.submit();
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread closer = after(go, failure, p[1]::close);
            go.countDown();
            Map<Long, Integer> seen = reapUntil(q, 10);
            join(closer, failure);
            assertEquals(-ECANCELED, seen.get(10L), "the recv ends with ECANCELED");
            assertTrue(gone(fd, was), "the stream's descriptor is closed");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void handBackFromAnotherThreadWaitsForTheCancelledRecvAndLeavesTheDescriptorOpen() throws Exception {
        TcpStream[] p = pair();
        int fd = p[1].rawFd();
        long[] was = identity(fd);
        try {
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(p[1], dst, 15);
            q.submit();
            AtomicReference<Integer> released = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread detacher = after(go, failure, () -> released.set(p[1].releaseFd()));
            go.countDown();
            Map<Long, Integer> seen = reapUntil(q, 15); // the hand-back waits for this
            join(detacher, failure);
            assertEquals(-ECANCELED, seen.get(15L));
            assertEquals(fd, released.get());
            assertFalse(gone(fd, was), "a handed-back descriptor stays open: it is the caller's now");
        } finally {
            p[0].close();
            if (!gone(fd, was)) {
                io.jmio.poll.posix.Posix.close(fd);
            }
        }
    }

    @Test
    void aQueuedRecvOfAStreamClosedBeforeTheNextReapNeverReachesAReusedNumber() throws IOException {
        TcpStream[] p = pair();
        TcpStream[] next = null;
        try {
            int fd = p[1].rawFd();
            long[] was = identity(fd);
            ByteBuffer old = NativeMemory.allocate(16);
            q.recv(p[1], old, 20); // prepared, not submitted
            p[1].close();
            Map<Long, Integer> seen = reapUntil(q, 20);
            assertEquals(-ECANCELED, seen.get(20L), "the queued recv is cancelled");
            assertTrue(gone(fd, was), "the stream's descriptor is closed");
            next = pair(); // the kernel hands out the lowest free number: one of them gets the old one
            int reused = next[0].rawFd() == fd ? 0 : 1;
            assertEquals(fd, next[reused].rawFd(), "a new socket reuses the number (else this test proves less)");
            next[1 - reused].write(ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(next[reused], dst, 21);
            seen = reapUntil(q, 21);
            assertEquals(3, seen.get(21L));
            assertFalse(seen.containsKey(20L), "the old recv completed once only");
            assertEquals(0, old.get(0), "the old recv never saw the new connection's bytes");
        } finally {
            p[0].close();
            if (next != null) {
                next[0].close();
                next[1].close();
            }
        }
    }

    // ---- one queue at a time ------------------------------------------------------------------

    @Test
    void aSecondQueueIsRefusedWhileTheFirstHasOperationsInFlightAndAcceptedAfterwards() throws IOException {
        TcpStream[] p = pair();
        try (CompletionQueue other = CompletionQueue.open("io_uring", 16)) {
            ByteBuffer dst = NativeMemory.allocate(16);
            q.recv(p[1], dst, 30);
            q.submit();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.recv(p[1], dst, 40));
            assertTrue(e.getMessage().contains("another completion queue"), e.getMessage());
            assertEquals(0, other.inFlight(), "the refused submission left nothing behind");
            other.timeout(TimeUnit.MILLISECONDS.toNanos(1), 43); // the other queue still works
            assertEquals(-UringNative.ETIME, reapUntil(other, 43).get(43L));
            q.cancel(30, 31);
            assertEquals(-ECANCELED, reapUntil(q, 30).get(30L));
            other.recv(p[1], dst, 41); // the first queue has nothing in flight: the other may take it
            other.submit();
            assertThrows(IllegalStateException.class, () -> q.recv(p[1], dst, 32), "now the first one is refused");
            p[0].write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(2, reapUntil(other, 41).get(41L), "the new owner goes on");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void aSocketRegisteredWithAPollIsRefusedAndViceVersa() throws IOException {
        TcpStream[] p = pair();
        try (Poll poll = Poll.open()) {
            ByteBuffer dst = NativeMemory.allocate(16);
            poll.registry().register(p[1], Token.of(7), Interest.READABLE);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.recv(p[1], dst, 50));
            assertTrue(e.getMessage().contains("registered with a Poll"), e.getMessage());
            assertEquals(0, q.inFlight());
            poll.registry().deregister(p[1]);
            q.recv(p[1], dst, 51);
            q.submit();
            e = assertThrows(IllegalStateException.class,
                    () -> poll.registry().register(p[1], Token.of(8), Interest.READABLE));
            assertTrue(e.getMessage().contains("completion queue"), e.getMessage());
            p[0].write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(1, reapUntil(q, 51).get(51L));
            poll.registry().register(p[1], Token.of(9), Interest.READABLE); // nothing in flight: allowed
            assertThrows(IllegalStateException.class, () -> q.recv(p[1], dst, 52), "and now the queue is refused");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    // ---- close racing submissions ---------------------------------------------------------------

    @Test
    void closeFromAnotherThreadRacingSubmissionsLeaksNoDescriptorAndCrossesNoBytes() throws Exception {
        pair()[0].close(); // warm up whatever the first connection opens lazily
        int before = Fds.openFdCount();
        for (int round = 0; round < 1000; round++) {
            TcpStream[] p = pair();
            ByteBuffer old = NativeMemory.allocate(8);
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread closer = after(go, failure, p[1]::close);
            go.countDown();
            long token = 10_000 + 2L * round; // clear of SAFETY
            boolean submitted;
            try {
                q.recv(p[1], old, token);
                submitted = true;
            } catch (java.nio.channels.ClosedChannelException e) {
                submitted = false; // the close came first
            }
            q.submit();
            TcpStream[] next = pair(); // may get the old number once it is closed
            ByteBuffer dst = NativeMemory.allocate(8);
            next[0].write(ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII)));
            q.recv(next[1], dst, token + 1);
            Map<Long, Integer> seen = reapUntil(q, token + 1);
            if (submitted && !seen.containsKey(token)) {
                seen.putAll(reapUntil(q, token));
            }
            join(closer, failure);
            assertEquals(3, seen.get(token + 1), "round " + round);
            if (submitted) {
                assertEquals(-ECANCELED, seen.get(token), "round " + round + ": the closed stream's recv");
            }
            assertEquals(0, old.get(0), "round " + round + ": the closed stream's recv saw no bytes");
            assertEquals(0, q.inFlight(), "round " + round);
            p[0].close();
            next[0].close();
            next[1].close();
        }
        assertEquals(before, Fds.openFdCount(), "descriptors open before and after 1000 rounds");
    }

    // ---- wake-up --------------------------------------------------------------------------------

    @Test
    void wakeupFromAnotherThreadReturnsABlockedReap() throws Exception {
        q.timeout(SAFETY_NANOS, SAFETY);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waker = after(go, failure, q::wakeup);
        go.countDown(); // the owner is in, or about to be in, reap(-1): either order must work
        int n = q.reap(c, -1);
        join(waker, failure);
        assertEquals(0, n, "woken with no completion: the safety timeout did not fire");
        q.wakeup(); // before the reap: the next waiting reap returns; wake-ups collapse
        q.wakeup();
        assertEquals(0, q.reap(c, -1));
        assertEquals(-UringNative.ETIME, reapUntil(q, SAFETY).get(SAFETY), "nothing else was pending");
        q.close();
        q.wakeup(); // a closed queue: nothing to wake, no failure
    }

    @Test
    void wakeupsAndSteadyReapsAllocateNothing() throws IOException {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        TcpStream[] p = pair();
        try {
            ByteBuffer src = NativeMemory.allocate(32);
            ByteBuffer dst = NativeMemory.allocate(32);
            wakeRounds(p, src, dst, 20_000);
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            wakeRounds(p, src, dst, 5_000);
            long bytes = threads.getThreadAllocatedBytes(id) - before;
            assertEquals(0, bytes, "send + recv + wakeup + reap allocated " + bytes + " bytes over 5000 rounds");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    /** Each round: a send and a recv of 8 bytes reaped, then a wake-up and the reap it ends. */
    private void wakeRounds(TcpStream[] p, ByteBuffer src, ByteBuffer dst, int rounds) throws IOException {
        for (int r = 0; r < rounds; r++) {
            src.clear().limit(8);
            dst.clear().limit(8);
            q.send(p[0], src, 60);
            q.recv(p[1], dst, 61);
            int got = 0;
            while (q.inFlight() > 0) {
                q.reap(c, -1);
                for (int i = 0; i < c.size(); i++) {
                    if (c.result(i) <= 0) {
                        throw new AssertionError("token " + c.token(i) + ": " + c.errnoName(i));
                    }
                    if (c.token(i) == 61) {
                        got += c.result(i);
                        if (got < 8) {
                            dst.position(got);
                            q.recv(p[1], dst, 61);
                        }
                    }
                }
            }
            q.wakeup();
            if (q.reap(c, -1) != 0) {
                throw new AssertionError("a wake-up with nothing in flight reaps nothing");
            }
        }
    }
}
