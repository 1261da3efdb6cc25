package io.jmio.poll.epoll.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.net.TruncatedDatagramException;
import io.jmio.poll.posix.Staging;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Heap buffers: datagrams never cut by jmio's staging, read-only sources, staging memory bounded. */
@EnabledOnOs(OS.LINUX)
class HeapBufferTest {
    private static final int BIG = 80 * 1024; // above the 64 KiB staging size, below AF_UNIX's default limit

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void shouldReceiveADatagramLargerThanTheStagingAreaWholeIntoAHeapBuffer() throws IOException {
        UnixDatagram[] pair = UnixDatagram.pair();
        try (UnixDatagram a = pair[0]; UnixDatagram b = pair[1]) {
            byte[] sent = pattern(BIG);
            ByteBuffer direct = ByteBuffer.allocateDirect(BIG).put(sent).flip();
            assertEquals(BIG, a.send(direct));
            ByteBuffer heap = ByteBuffer.allocate(100 * 1024);
            int n = b.receive(heap); // before: TruncatedDatagramException, 65536 of 81920 bytes
            assertEquals(BIG, n);
            assertArrayEquals(sent, java.util.Arrays.copyOf(heap.array(), n));
        }
    }

    @Test
    void shouldSendADatagramLargerThanTheStagingAreaFromAHeapBuffer() throws IOException {
        UnixDatagram[] pair = UnixDatagram.pair();
        try (UnixDatagram a = pair[0]; UnixDatagram b = pair[1]) {
            byte[] sent = pattern(BIG);
            assertEquals(BIG, a.send(ByteBuffer.wrap(sent).asReadOnlyBuffer())); // before: IllegalArgumentException
            ByteBuffer into = ByteBuffer.allocateDirect(100 * 1024);
            assertEquals(BIG, b.receive(into));
            byte[] got = new byte[BIG];
            into.flip().get(got);
            assertArrayEquals(sent, got);
        }
    }

    @Test
    void shouldStillReportTruncationWhenTheCallersHeapBufferIsTooSmall() throws IOException {
        UnixDatagram[] pair = UnixDatagram.pair();
        try (UnixDatagram a = pair[0]; UnixDatagram b = pair[1]) {
            a.send(ByteBuffer.wrap(pattern(100)));
            TruncatedDatagramException e = org.junit.jupiter.api.Assertions.assertThrows(
                    TruncatedDatagramException.class, () -> b.receive(ByteBuffer.allocate(10)));
            assertTrue(e.getMessage().contains("10"), e.getMessage());
        }
    }

    @Test
    void shouldCutUnixDatagramsWithoutAnExceptionWhenAsked() throws IOException {
        UnixDatagram[] pair = UnixDatagram.pair();
        try (UnixDatagram a = pair[0]; UnixDatagram b = pair[1]) {
            a.send(ByteBuffer.wrap(pattern(100)));
            a.send(ByteBuffer.wrap(pattern(5)));
            ByteBuffer small = ByteBuffer.allocate(10);
            assertEquals(10, b.receiveTruncating(small));
            assertTrue(b.lastReceiveTruncated());
            assertEquals(io.jmio.poll.unix.UnixAddress.unnamed(), b.receiveFromTruncating(ByteBuffer.allocate(10)));
            org.junit.jupiter.api.Assertions.assertFalse(b.lastReceiveTruncated(), "5 bytes fit in 10");
            assertEquals(-1, b.receiveTruncating(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void shouldWriteReadOnlyHeapBuffersWithTheirBytes() throws IOException {
        UnixStream[] ends = UnixStream.pair();
        try (UnixStream a = ends[0]; UnixStream b = ends[1]) {
            byte[] sent = pattern(4096);
            ByteBuffer shared = ByteBuffer.wrap(sent).asReadOnlyBuffer();
            shared.position(96);
            int written = a.write(shared);
            assertEquals(4000, written);
            assertEquals(4096, shared.position());
            ByteBuffer got = ByteBuffer.allocate(8192);
            for (long end = System.nanoTime() + 5_000_000_000L; got.position() < written && System.nanoTime() < end; ) {
                b.read(got);
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(sent, 96, 4096), java.util.Arrays.copyOf(got.array(), written));
        }
    }

    /**
     * Many threads each doing heap I/O once and staying alive: direct memory grows by a few hundred
     * bytes a thread (the per-thread header) plus the bounded pool, not by 64 KiB a thread.
     */
    @Test
    void shouldBoundStagingMemoryWhateverTheNumberOfThreads() throws Exception {
        final int threads = 200;
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        UnixStream[] ends = UnixStream.pair();
        try (UnixStream a = ends[0]; UnixStream b = ends[1]) {
            // warm the pool and this thread's scratch so that only the new threads' memory is counted
            a.write(ByteBuffer.wrap(new byte[1]));
            b.read(ByteBuffer.allocate(1));
            System.gc(); // collect unrelated buffers now, not during the count
            long before = direct.getMemoryUsed();
            CountDownLatch done = new CountDownLatch(threads);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        synchronized (a) { // one pair: keep each write/read couple together
                            a.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                            ByteBuffer in = ByteBuffer.allocate(16);
                            for (long end = System.nanoTime() + 5_000_000_000L; in.position() < 3 && System.nanoTime() < end; ) {
                                b.read(in);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                    try {
                        release.await(); // stay alive: its per-thread memory stays counted
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.setDaemon(true);
                t.start();
                all.add(t);
            }
            try {
                assertTrue(done.await(30, TimeUnit.SECONDS), "threads did not finish their I/O");
                long grown = direct.getMemoryUsed() - before;
                System.out.printf("HeapBufferTest: %d threads doing heap I/O grew direct memory by %d bytes"
                        + " (%d pooled staging areas of %d)%n", threads, grown, Staging.pooledAreas(), Staging.SLOTS);
                assertEquals(null, failure.get());
                assertTrue(Staging.pooledAreas() <= Staging.SLOTS);
                // before: 64.5 KiB a thread (12.9 MB for 200); now: 512 B a thread plus at most the pool
                long bound = threads * 1024L + (long) Staging.SLOTS * Staging.SIZE;
                assertTrue(grown <= bound, "direct memory grew by " + grown + " bytes, more than " + bound);
            } finally {
                release.countDown();
                for (Thread t : all) {
                    t.join(5_000);
                }
            }
        }
    }
}
