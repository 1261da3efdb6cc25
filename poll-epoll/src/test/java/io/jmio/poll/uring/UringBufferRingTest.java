package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
 * Multishot receive into provided buffer rings on the real kernel: buffer ids and {@code MORE}, reuse
 * after recycling, a ring running dry ({@code ENOBUFS}) with nothing lost, end of stream, peer reset,
 * cancellation, misuse, closing a ring in use, and 0 B allocated in steady state. Skipped, naming the
 * cause, where io_uring is unavailable.
 *
 * <p>Threading: JUnit's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UringBufferRingTest {
    private static final long ACCEPT = 1;
    private static final long RECV = 2;
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private CompletionQueue q;
    private TcpListener listener;
    private TcpStream client;
    private TcpStream server;
    private final Completions c = new Completions(64);

    @BeforeEach
    void open() throws IOException {
        UringTestBackend.available();
        q = CompletionQueue.open("io_uring", 16);
        listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        q.accept(listener, ACCEPT);
        client = TcpStream.connect(listener.localAddress());
        int i = await(ACCEPT);
        assertTrue(c.result(i) >= 0, () -> "accept failed: " + c.errnoName(i));
        server = TcpStream.fromFd(c.result(i));
        q.cancel(ACCEPT, 0); // only the operations of each test remain in flight
        while (q.inFlight() > 0) {
            q.reap(c, WAIT);
        }
    }

    @AfterEach
    void close() throws IOException {
        for (AutoCloseable a : new AutoCloseable[] {q, client, server, listener}) {
            if (a != null) {
                try {
                    a.close();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        }
    }

    /** Reaps until a completion with {@code token} arrives; returns its index in {@link #c}. */
    private int await(long token) throws IOException {
        int i = Reaping.await(q, c, token);
        assertEquals(1, c.size(), "one completion at a time in this test");
        return i;
    }

    private void write(String s) throws IOException {
        write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            assertTrue(client.write(b) > 0, "loopback socket buffer has room");
        }
    }

    private static String text(BufferRing ring, int id, int n) {
        byte[] bytes = new byte[n];
        ring.buffer(id).get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void bytesArriveInARingBufferNamedByTheCompletion() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        assertEquals(0, ring.held());
        q.recvMultishot(server, ring, RECV);
        write("hello");
        int i = await(RECV);
        assertEquals(5, c.result(i));
        assertTrue(c.more(i), "multishot receive stays armed");
        int id = c.bufferId(i);
        assertTrue(id >= 0 && id < 4, "buffer id " + id);
        assertTrue((c.flags(i) & Completions.BUFFER) != 0);
        assertEquals("hello", text(ring, id, 5));
        assertEquals(1, ring.held(), "the completion handed the buffer to the application");
        assertEquals(1, q.inFlight(), "still armed");
    }

    @Test
    void eachReceiveTakesAnotherBufferAndRecycledOnesAreUsedAgain() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        Set<Integer> ids = new HashSet<>();
        for (int k = 0; k < 4; k++) {
            write("m" + k);
            int i = await(RECV);
            assertTrue(c.more(i));
            assertEquals("m" + k, text(ring, c.bufferId(i), c.result(i)));
            assertTrue(ids.add(c.bufferId(i)), "buffer " + c.bufferId(i) + " reported twice before recycling");
        }
        assertEquals(Set.of(0, 1, 2, 3), ids);
        assertEquals(4, ring.held());
        for (int id : ids) {
            ring.recycle(id);
        }
        assertEquals(0, ring.held());
        q.submit(); // publishes the recycled entries: the write below could otherwise find the ring dry
        for (int k = 0; k < 8; k++) { // twice the ring: only recycled buffers can serve these
            write("n" + k);
            int i = await(RECV);
            assertTrue(c.more(i), () -> "armed while buffers are recycled: " + c.errnoName(i));
            int id = c.bufferId(i);
            assertEquals("n" + k, text(ring, id, c.result(i)));
            ring.recycle(id);
        }
    }

    @Test
    void recyclingIsPublishedToTheKernelAtTheNextSubmit() throws IOException {
        UringBufferRing ring = (UringBufferRing) q.bufferRing(2, 16);
        assertEquals(2, ring.publishedTail(), "every buffer lent at the start");
        q.recvMultishot(server, ring, RECV);
        write("x");
        int id = c.bufferId(await(RECV));
        ring.recycle(id);
        assertEquals(2, ring.publishedTail(), "written, not yet published");
        q.submit();
        assertEquals(3, ring.publishedTail(), "one release store of the tail at submit");
    }

    @Test
    void aRingRunningDryEndsTheReceiveWithEnobufsAndLosesNothing() throws IOException {
        BufferRing ring = q.bufferRing(2, 8);
        byte[] sent = new byte[100];
        for (int k = 0; k < sent.length; k++) {
            sent[k] = (byte) k;
        }
        q.recvMultishot(server, ring, RECV);
        q.submit();
        write(sent);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int enobufs = 0;
        long deadline = System.nanoTime() + WAIT;
        while (got.size() < sent.length && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                assertEquals(RECV, c.token(i));
                if (c.result(i) > 0) {
                    int id = c.bufferId(i);
                    byte[] b = new byte[c.result(i)];
                    ring.buffer(id).get(b);
                    got.write(b, 0, b.length);
                    continue; // not recycled: the ring runs dry after two buffers
                }
                assertEquals("ENOBUFS", c.errnoName(i), "the only end expected here");
                assertFalse(c.more(i), "ENOBUFS ends the multishot receive");
                assertEquals(-1, c.bufferId(i));
                assertEquals(2, ring.held(), "the kernel ran out because the application holds both");
                enobufs++;
                assertEquals(0, q.inFlight());
                ring.recycle(0);
                ring.recycle(1);
                q.recvMultishot(server, ring, RECV);
            }
        }
        assertArrayEquals(sent, got.toByteArray(), "every byte arrives once, in order");
        assertTrue(enobufs >= (sent.length - 1) / 16, enobufs + " ENOBUFS completions for " + sent.length
                + " bytes through 2 buffers of 8");
    }

    @Test
    void endOfStreamEndsTheReceiveWithZero() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        write("last");
        int i = await(RECV);
        assertEquals(4, c.result(i));
        ring.recycle(c.bufferId(i));
        client.close();
        client = null;
        int j = await(RECV);
        assertEquals(0, c.result(j), () -> "end of stream, not " + c.errnoName(j));
        assertFalse(c.more(j), "the receive ends");
        assertEquals(-1, c.bufferId(j), "no buffer is used for the end of stream");
        assertEquals(0, ring.held());
        assertEquals(0, q.inFlight());
        ring.close(); // no longer in use
    }

    @Test
    void aPeerResetEndsTheReceiveWithEconnreset() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        write("before");
        int i = await(RECV);
        assertTrue(c.more(i));
        client.setLinger(Duration.ZERO); // close sends RST
        client.close();
        client = null;
        int j = await(RECV);
        assertEquals("ECONNRESET", c.errnoName(j));
        assertFalse(c.more(j));
        assertEquals(-1, c.bufferId(j));
        assertEquals(0, q.inFlight());
    }

    @Test
    void cancelEndsTheReceiveWithEcanceledAndFreesTheRing() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        q.submit();
        q.cancel(RECV, 3);
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + WAIT;
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                if (c.token(i) == RECV) {
                    assertEquals("ECANCELED", c.errnoName(i));
                    assertFalse(c.more(i));
                } else {
                    assertEquals(0, c.result(i), "the cancel found its target");
                }
                seen.add(c.token(i));
            }
        }
        assertEquals(Set.of(RECV, 3L), seen);
        ring.close();
        assertFalse(ring.isOpen());
    }

    /**
     * A batch can hold a multishot receive's completions with {@code MORE} and, later in the same
     * batch, its last one ({@code ENOBUFS}): the queue has released the operation before the
     * application handles the first. Cancelling it while handling that first completion is the
     * kernel's "target already done": the cancel completes with {@code -ENOENT}, it does not throw
     * (found by the examples' echo server, whose loop died of the exception).
     */
    @Test
    void cancellingAReceiveWhoseLastCompletionIsLaterInTheSameBatchCompletesWithEnoent() throws IOException {
        BufferRing ring = q.bufferRing(2, 8);
        q.recvMultishot(server, ring, RECV);
        q.submit();
        write(new byte[100]);
        int last = -1;
        long deadline = System.nanoTime() + WAIT;
        while (last < 0 && System.nanoTime() < deadline) {
            q.reap(c, WAIT);
            for (int i = 0; i < c.size(); i++) {
                if (c.token(i) == RECV && !c.more(i)) {
                    last = i;
                }
            }
        }
        assertTrue(last > 0 && c.more(0), "a batch with an armed completion before the last one");
        assertEquals("ENOBUFS", c.errnoName(last));
        q.cancel(RECV, 3); // handling completion 0, which says the receive stays armed
        int i = await(3);
        assertEquals("ENOENT", c.errnoName(i));
        assertEquals(0, q.inFlight());
    }

    @Test
    void closingARingInUseIsRefusedAndTheRingKeepsWorking() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        IllegalStateException e = assertThrows(IllegalStateException.class, ring::close);
        assertTrue(e.getMessage().contains("in flight"), e.getMessage());
        assertTrue(ring.isOpen());
        write("still");
        int i = await(RECV);
        assertEquals("still", text(ring, c.bufferId(i), c.result(i)));
        q.cancel(RECV, 3);
        while (q.inFlight() > 0) {
            q.reap(c, WAIT);
        }
        int group = ring.group();
        ring.close();
        ring.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> ring.recycle(0));
        assertThrows(IllegalStateException.class, () -> q.recvMultishot(server, ring, RECV));
        BufferRing next = q.bufferRing(2, 32);
        assertEquals(group, next.group(), "the closed ring's group id is free again");
        q.recvMultishot(server, next, RECV);
        write("next");
        int j = await(RECV);
        assertEquals("next", text(next, c.bufferId(j), c.result(j)));
    }

    @Test
    void closingTheQueueWithAReceiveInFlightClosesItsRings() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        q.recvMultishot(server, ring, RECV);
        write("kept");
        int i = await(RECV);
        int id = c.bufferId(i);
        q.close();
        assertFalse(ring.isOpen(), "closed with its queue");
        assertEquals("kept", text(ring, id, 4), "a buffer the application holds stays readable");
        assertThrows(IllegalStateException.class, () -> ring.recycle(id));
        ring.close(); // already closed: nothing to do
        assertThrows(IllegalStateException.class, () -> q.bufferRing(4, 64), "the queue is closed");
    }

    @Test
    void badInputIsRefusedAndTheQueueStaysUsable() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> q.bufferRing(3, 64), "not a power of two");
        assertThrows(IllegalArgumentException.class, () -> q.bufferRing(0, 64));
        assertThrows(IllegalArgumentException.class, () -> q.bufferRing(1 << 16, 1), "above the kernel's 32768");
        assertThrows(IllegalArgumentException.class, () -> q.bufferRing(4, 0), "size 0");
        assertThrows(IllegalArgumentException.class, () -> q.bufferRing(1 << 10, 1 << 22), "4 GiB");
        BufferRing ring = q.bufferRing(4, 64);
        assertThrows(IndexOutOfBoundsException.class, () -> ring.recycle(4));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.recycle(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.buffer(4));
        IllegalStateException kernels = assertThrows(IllegalStateException.class, () -> ring.buffer(0),
                "the kernel may be writing a buffer it holds");
        assertTrue(kernels.getMessage().contains("kernel's"), kernels.getMessage());
        IllegalStateException lent = assertThrows(IllegalStateException.class, () -> ring.recycle(0));
        assertTrue(lent.getMessage().contains("kernel's already"), lent.getMessage());
        CompletionQueue other = CompletionQueue.open("io_uring", 4);
        BufferRing foreign;
        try {
            foreign = other.bufferRing(2, 16);
            assertThrows(IllegalArgumentException.class, () -> q.recvMultishot(server, foreign, RECV));
            assertEquals(0, q.inFlight(), "nothing submitted");
        } finally {
            other.close();
        }
        assertFalse(foreign.isOpen(), "closing the queue closes its rings");
        assertThrows(IllegalStateException.class, () -> foreign.recycle(0));
        q.recvMultishot(server, ring, RECV);
        write("ok");
        int i = await(RECV);
        int id = c.bufferId(i);
        assertEquals("ok", text(ring, id, 2));
        ring.recycle(id);
        assertThrows(IllegalStateException.class, () -> ring.recycle(id), "recycled twice");
        assertThrows(IllegalStateException.class, () -> ring.buffer(id), "read after recycling");
        assertEquals(0, ring.held());
    }

    @Test
    void twoRingsHaveTheirOwnGroups() throws IOException {
        BufferRing a = q.bufferRing(2, 16);
        BufferRing b = q.bufferRing(2, 16);
        assertNotEquals(a.group(), b.group());
        TcpStream otherClient = TcpStream.connect(listener.localAddress());
        q.accept(listener, ACCEPT);
        int i = await(ACCEPT);
        try (TcpStream otherServer = TcpStream.fromFd(c.result(i))) {
            q.cancel(ACCEPT, 0);
            while (q.inFlight() > 0) {
                q.reap(c, WAIT);
            }
            q.recvMultishot(server, a, 10);
            q.recvMultishot(otherServer, b, 11);
            write("to-a");
            int ia = await(10);
            assertEquals("to-a", text(a, c.bufferId(ia), c.result(ia)));
            assertEquals(0, b.held());
            assertEquals(4, otherClient.write(ByteBuffer.wrap("to-b".getBytes(StandardCharsets.US_ASCII))));
            int ib = await(11);
            assertEquals("to-b", text(b, c.bufferId(ib), c.result(ib)));
            assertEquals(1, a.held());
        } finally {
            otherClient.close();
        }
    }

    @Test
    void steadyStateAllocatesNothing() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        BufferRing ring = q.bufferRing(8, 64);
        ByteBuffer src = NativeMemory.allocate(32);
        q.recvMultishot(server, ring, RECV);
        rounds(ring, src, 50_000);
        long id = Thread.currentThread().getId();
        long bytes = -1;
        // a few windows, as AllocationContract allows: the first may still see a late JIT deoptimisation
        for (int attempt = 0; attempt < 5 && bytes != 0; attempt++) {
            long before = threads.getThreadAllocatedBytes(id);
            rounds(ring, src, 10_000);
            bytes = threads.getThreadAllocatedBytes(id) - before;
        }
        assertEquals(0, bytes, "send + multishot receive + recycle allocated " + bytes + " bytes over 10,000 rounds");
    }

    /** Each round: a send of 32 bytes and its completion, the receive's completions, their buffers recycled. */
    private void rounds(BufferRing ring, ByteBuffer src, int n) throws IOException {
        for (int r = 0; r < n; r++) {
            src.clear();
            src.put(0, (byte) r);
            q.send(client, src, 5);
            int got = 0;
            boolean sent = false;
            while (got < 32 || !sent) {
                q.reap(c, -1);
                for (int i = 0; i < c.size(); i++) {
                    if (c.token(i) == 5) {
                        if (c.result(i) != 32) {
                            throw new AssertionError("send " + c.result(i));
                        }
                        sent = true;
                    } else if (c.result(i) > 0 && c.more(i)) {
                        got += c.result(i);
                        ring.recycle(c.bufferId(i));
                    } else {
                        throw new AssertionError("receive ended: " + c.result(i));
                    }
                }
            }
        }
    }
}
