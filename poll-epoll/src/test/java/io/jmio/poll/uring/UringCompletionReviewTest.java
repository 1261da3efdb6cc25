package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failure paths and waits of the io_uring completion queue found in review: a connect refused for
 * want of a slot leaks no descriptor; a reap that waits for at least one completion returns one, not
 * zero, whatever the queue's own requests left in the ring, and whatever signals the thread gets.
 *
 * <p>Threading: JUnit's.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UringCompletionReviewTest {
    private CompletionQueue q;
    private TcpListener listener;

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

    @Test
    void aConnectRefusedForWantOfASlotClosesTheSocketItOpened() throws IOException {
        for (int i = 0; i < q.capacity(); i++) {
            q.timeout(TimeUnit.SECONDS.toNanos(30), 100 + i);
        }
        int before = Fds.openFdCount();
        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalStateException.class, () -> q.connect(listener.localAddress(), 7));
        }
        assertEquals(before, Fds.openFdCount(), "descriptors leaked by refused connects");
    }

    @Test
    void aConnectOnAClosedQueueClosesTheSocketItOpened() throws IOException {
        q.close();
        int before = Fds.openFdCount();
        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalStateException.class, () -> q.connect(listener.localAddress(), 7));
        }
        assertEquals(before, Fds.openFdCount(), "descriptors leaked by connects on a closed queue");
    }

    /**
     * A one-entry array fills with the user's completion (a connect); the queue's own timeout
     * completion behind it must not make the next waiting reap return with nothing.
     */
    @Test
    void aWaitingReapReturnsACompletionAfterAFullArrayLeftTheQueuesOwnCompletionsBehind() throws IOException {
        Completions one = new Completions(1);
        try (var stream = q.connect(listener.localAddress(), 1)) {
            assertEquals(1, q.reap(one, TimeUnit.SECONDS.toNanos(5)));
            assertEquals(1, one.token(0));
            assertEquals(0, one.result(0), () -> one.errnoName(0));
            q.timeout(TimeUnit.MILLISECONDS.toNanos(200), 2);
            int n = q.reap(one, -1);
            assertEquals(1, n, "a reap waiting for at least one completion returned " + n);
            assertEquals(2, one.token(0));
        }
    }

    /**
     * A timed reap ended by a completion of the user's own timeout: the kernel does not count a
     * timeout's expiry towards another timeout's completion count, so the queue's timeout of that
     * reap stays armed; its later expiry must not end a wait with nothing.
     */
    @Test
    void aTimedReapEndedByAUserTimeoutLeavesNoTimerThatEndsALaterWait() throws IOException {
        Completions c = new Completions(8);
        q.timeout(TimeUnit.MILLISECONDS.toNanos(1), 1);
        assertEquals(1, q.reap(c, TimeUnit.MILLISECONDS.toNanos(300)));
        assertEquals(1, c.token(0));
        q.timeout(TimeUnit.MILLISECONDS.toNanos(1500), 2);
        int n = q.reap(c, -1);
        assertEquals(1, n, "a reap waiting for at least one completion returned " + n);
        assertEquals(2, c.token(0));
    }

    /**
     * A signal delivered to the reaping thread while it waits (a profiler's, a debugger's) ends the
     * kernel wait with {@code EINTR}; the reap must neither throw nor return with nothing.
     */
    @Test
    void aSignalDuringAWaitingReapNeitherThrowsNorEndsTheWait() throws Exception {
        q.timeout(TimeUnit.MILLISECONDS.toNanos(800), 9);
        q.submit();
        Completions c = new Completions(8);
        SignalledReap.Result r = SignalledReap.run(q, c, -1);
        assertEquals(1, r.reaped(), "reap returned " + r.reaped() + " after " + r.signals() + " signals");
        assertEquals(9, c.token(0));
    }

    /**
     * A multishot receive that fills more buffers at once than the completion ring holds (4 KiB
     * waiting, 16-byte buffers, a ring of 32 completions): the kernel keeps the overflow; every byte
     * arrives once and in order, the ring's held count follows the completions, and the receive's
     * end (the kernel may end a multishot request when the ring overflows) frees its slot.
     */
    @Test
    void aMultishotReceiveOverflowingTheCompletionRingLosesNothingAndKeepsTheBufferCount() throws IOException {
        q.accept(listener, 1);
        try (TcpStream client = TcpStream.connect(listener.localAddress())) {
            Completions c = new Completions(8);
            assertEquals(1, q.reap(c, TimeUnit.SECONDS.toNanos(5)));
            assertTrue(c.result(0) >= 0, () -> c.errnoName(0));
            try (TcpStream server = TcpStream.fromFd(c.result(0))) {
                q.cancel(1, 0);
                while (q.inFlight() > 0) {
                    q.reap(c, TimeUnit.SECONDS.toNanos(5));
                }
                BufferRing ring = q.bufferRing(512, 16);
                byte[] sent = new byte[4096];
                for (int k = 0; k < sent.length; k++) {
                    sent[k] = (byte) (k * 7 + k / 256);
                }
                ByteBuffer src = ByteBuffer.wrap(sent);
                while (src.hasRemaining()) {
                    assertTrue(client.write(src) > 0, "loopback has room for 4 KiB");
                }
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                int completions = 0;
                int ends = 0;
                int held = 0;
                q.recvMultishot(server, ring, 2);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (got.size() < sent.length && System.nanoTime() < deadline) {
                    q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
                    for (int i = 0; i < c.size(); i++) {
                        assertEquals(2, c.token(i));
                        completions++;
                        if (c.result(i) > 0) {
                            byte[] b = new byte[c.result(i)];
                            ring.buffer(c.bufferId(i)).get(b);
                            got.write(b, 0, b.length);
                            held++;
                        } else {
                            assertTrue(c.result(i) == -105 /* ENOBUFS */ || c.result(i) == -125 /* ECANCELED */
                                    || c.result(i) == -11 /* EAGAIN */, "unexpected end " + c.result(i));
                        }
                        if (!c.more(i)) {
                            ends++;
                            assertEquals(0, q.inFlight(), "the receive's end frees its slot");
                        }
                    }
                    assertEquals(held, ring.held(), "held follows the completions that named a buffer");
                    if (q.inFlight() == 0 && got.size() < sent.length) {
                        for (int id = 0; id < ring.count() && ring.held() > 0; id++) {
                            try {
                                ring.recycle(id);
                            } catch (IllegalStateException kernels) {
                                continue;
                            }
                        }
                        held = 0;
                        q.recvMultishot(server, ring, 2);
                    }
                }
                assertArrayEquals(sent, got.toByteArray(), "every byte once, in order (" + completions
                        + " completions, " + ends + " ends)");
                assertTrue(completions > 32, completions + " completions: more than the completion ring holds");
            }
        }
    }

    /**
     * A receive the kernel would write into a read-only buffer, or complete at once with 0 (the
     * result that means end of stream) for want of room, is refused; the queue stays usable.
     */
    @Test
    void aReceiveIntoAReadOnlyOrFullBufferIsRefusedAndTheQueueStaysUsable() throws IOException {
        q.accept(listener, 1);
        try (TcpStream client = TcpStream.connect(listener.localAddress())) {
            Completions c = new Completions(8);
            assertEquals(1, q.reap(c, TimeUnit.SECONDS.toNanos(5)));
            assertTrue(c.result(0) >= 0, () -> c.errnoName(0));
            try (TcpStream server = TcpStream.fromFd(c.result(0))) {
                ByteBuffer readOnly = ByteBuffer.allocateDirect(16).asReadOnlyBuffer();
                assertThrows(IllegalArgumentException.class, () -> q.recv(server, readOnly, 2));
                ByteBuffer full = ByteBuffer.allocateDirect(16).position(16);
                assertThrows(IllegalArgumentException.class, () -> q.recv(server, full, 3));
                assertEquals(1, q.inFlight(), "only the accept is in flight");
                ByteBuffer dst = ByteBuffer.allocateDirect(16);
                q.recv(server, dst, 4);
                assertEquals(1, client.write(ByteBuffer.wrap(new byte[] {42})));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                int result = Integer.MIN_VALUE;
                while (result == Integer.MIN_VALUE && System.nanoTime() < deadline) {
                    q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
                    for (int i = 0; i < c.size(); i++) {
                        if (c.token(i) == 4) {
                            result = c.result(i);
                        }
                    }
                }
                assertEquals(1, result);
                assertEquals(42, dst.get(0));
            }
        }
    }

    /**
     * A wake-up posted while the completion ring is full ends the kernel's multishot poll of the
     * wake-up eventfd (its last completion goes to the overflow); the queue re-arms it, and wake-ups
     * from another thread keep returning waiting reaps. Each round reaps on a new thread, which
     * exits: the kernel also ends the poll re-armed by a thread that exited ({@code -ECANCELED}).
     */
    @Test
    void wakeupsStillWorkAfterTheWakePollWasEndedByAnOverflow() throws Exception {
        UringCompletionQueue uq = (UringCompletionQueue) q;
        int n = q.capacity(); // twice the completion ring
        for (int k = 0; k < n; k++) {
            q.timeout(0, 1000 + k);
        }
        q.submit();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!uq.overflowPending() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(uq.overflowPending(), "the completion ring overflowed");
        q.wakeup(); // its poll completion finds the ring full
        Completions c = new Completions(16);
        int reaped = 0;
        while (reaped < n && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            reaped += c.size();
        }
        assertEquals(n, reaped);
        for (int round = 0; round < 20; round++) {
            AtomicInteger got = new AtomicInteger(-1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reaper = new Thread(() -> {
                try {
                    got.set(q.reap(c, -1));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reaper.start();
            q.wakeup();
            reaper.join(TimeUnit.SECONDS.toMillis(5));
            assertTrue(!reaper.isAlive(), "round " + round + ": a wake-up did not return the waiting reap");
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    /**
     * io_uring ties a request to the thread whose system call handed it to the kernel: a multishot
     * accept submitted by a thread that has exited ends with {@code -ECANCELED} (without
     * {@code MORE}) at a later connection (this kernel: the second). Submitted again from the thread
     * that reaps, it goes on, and no connection is lost: the one that met the cancel waits in the
     * backlog.
     */
    @Test
    void aMultishotAcceptSubmittedByAThreadThatExitedIsEndedAndSubmittedAgainLosesNoConnection() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                q.accept(listener, 7);
                q.submit();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        Completions c = new Completions(8);
        int accepted = 0;
        int cancelled = 0;
        TcpStream[] clients = new TcpStream[3];
        try {
            for (int k = 0; k < clients.length; k++) {
                clients[k] = TcpStream.connect(listener.localAddress());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                int before = accepted;
                while (accepted == before && System.nanoTime() < deadline) {
                    q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
                    for (int i = 0; i < c.size(); i++) {
                        assertEquals(7, c.token(i));
                        if (c.result(i) >= 0) {
                            TcpStream.fromFd(c.result(i)).close();
                            accepted++;
                        } else {
                            assertEquals("ECANCELED", c.errnoName(i));
                            cancelled++;
                        }
                        if (!c.more(i)) {
                            q.accept(listener, 7);
                        }
                    }
                }
                assertEquals(k + 1, accepted, "connection " + k + " accepted");
            }
        } finally {
            for (TcpStream s : clients) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
