package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.completion.CompletionQueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The completion echo server on the real kernel: many clients with every byte checked, a ring that
 * runs dry, a client reset mid-stream, a stop from another thread that leaks no descriptor, and a
 * loop that allocates nothing in steady state. Skipped, naming the cause, where io_uring (or its
 * provided buffer rings) is unavailable.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionEchoServerTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
    private ExecutorService pool;

    /** Skips the test unless io_uring with provided buffer rings works here. */
    static void assumeIoUring() {
        try (CompletionQueue q = CompletionQueue.open("io_uring")) {
            q.bufferRing(1, 16).close();
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "io_uring is unavailable here, test skipped: " + e);
        }
    }

    @BeforeEach
    void start() {
        assumeIoUring();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * Sends {@code data} in random-sized chunks from one thread while this one checks every byte of the
     * echo as it comes, then end of stream after the last.
     */
    static void checkedEcho(InetSocketAddress address, byte[] data, long seed, ExecutorService pool) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(60_000);
            Future<?> writer = pool.submit(() -> {
                Random sizes = new Random(seed);
                OutputStream out = socket.getOutputStream();
                for (int off = 0; off < data.length; ) {
                    int n = Math.min(1 + sizes.nextInt(64 * 1024), data.length - off);
                    out.write(data, off, n);
                    off += n;
                }
                socket.shutdownOutput();
                return null;
            });
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[32 * 1024];
            int got = 0;
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (got + n > data.length) {
                    fail("client " + seed + ": " + (got + n) + " bytes echoed for " + data.length + " sent");
                }
                int bad = Arrays.mismatch(chunk, 0, n, data, got, got + n);
                if (bad >= 0) {
                    fail("client " + seed + ": byte " + (got + bad) + " differs");
                }
                got += n;
            }
            assertEquals(data.length, got, "client " + seed + ": every byte back, then end of stream");
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Runs {@code clients} checked echoes of {@code bytes} each, concurrently; waits for them all. */
    private void clients(InetSocketAddress address, int clients, int bytes) throws Exception {
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long seed = c;
            all.add(pool.submit(() -> {
                checkedEcho(address, random(bytes + (int) seed * 17, seed), seed, pool);
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get(100, TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void fiftyClientsGetEveryByteBackInOrder() throws Exception {
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY))) {
            clients(running.address, 50, 2 << 20);
            await("every connection closed after its end of stream", () -> running.server.openConnections() == 0);
            byte[] none = new byte[0];
            checkedEcho(running.address, none, 99, pool); // a client that sends nothing gets end of stream
        }
    }

    @Test
    void aRingThatRunsDryLosesNothing() throws Exception {
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY, 8, 4096))) {
            clients(running.address, 16, 1 << 20);
            assertTrue(running.server.enobufs() >= 1, "8 buffers for 16 clients never ran dry: the test proves nothing");
            await("every connection closed", () -> running.server.openConnections() == 0);
        }
    }

    @Test
    void aClientResetMidStreamDoesNotDisturbTheOthers() throws Exception {
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY, 8, 4096))) {
            List<Future<?>> others = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                long seed = 100 + c;
                others.add(pool.submit(() -> {
                    checkedEcho(running.address, random(1 << 20, seed), seed, pool);
                    return null;
                }));
            }
            try (Socket reset = new Socket(running.address.getAddress(), running.address.getPort())) {
                reset.setSoTimeout(30_000);
                reset.getOutputStream().write(random(64 * 1024, 7));
                assertTrue(reset.getInputStream().read() >= 0, "the echo has started");
                reset.setSoLinger(true, 0); // close sends RST, with bytes still on their way both ways
            }
            await("the server saw the reset", () -> running.server.resets() >= 1);
            for (Future<?> f : others) {
                f.get(100, TimeUnit.SECONDS);
            }
            await("every connection closed", () -> running.server.openConnections() == 0);
            checkedEcho(running.address, random(100_000, 5), 5, pool); // and the server still serves
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill -INT: Unix only")
    void mainServesAndExitsCleanlyOnSigint() throws Exception {
        new CtrlCTest().shouldExitCleanlyOnSigint(CompletionEchoServer.class);
    }

    @Test
    void aClientThatDoesNotReadDoesNotStarveTheOthers() throws Exception {
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY, 8, 4096));
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(64 * 1024); // fixed, not grown by the kernel: the echo backs up sooner
            slow.connect(running.address);
            slow.setSoTimeout(60_000);
            byte[] data = random(32 << 20, 3); // far more than the socket buffers hold
            Future<?> writer = pool.submit(() -> {
                slow.getOutputStream().write(data);
                slow.shutdownOutput();
                return null;
            });
            assertTrue(slow.getInputStream().read() == (data[0] & 0xFF), "the echo has started");
            // Its echo backs up: its queue reaches a quarter of the ring (2 buffers), and stops there.
            await("the slow client's echo backed up", () -> running.server.heldBuffers() >= 2);
            // Without back-pressure the slow client's queue would take all 8 buffers, and these would wait for it.
            clients(running.address, 4, 4 << 20); // more than the slow client's echo takes to back up
            byte[] rest = slow.getInputStream().readAllBytes();
            assertEquals(data.length - 1, rest.length, "every byte back to the slow client too");
            assertEquals(-1, Arrays.mismatch(rest, 0, rest.length, data, 1, data.length), "in order");
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void stopFromAnotherThreadReturnsPromptlyAndClosesEverything() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors in /proc/self/fd");
        try (Running<CompletionEchoServer> warmUp = new Running<>(new CompletionEchoServer(ANY))) {
            checkedEcho(warmUp.address, random(1000, 1), 1, pool); // loads every class the loop and this test use
        }
        long before = openDescriptors();
        Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY));
        List<Socket> clients = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                Socket s = new Socket(running.address.getAddress(), running.address.getPort());
                clients.add(s);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(c);
                assertEquals(c, s.getInputStream().read(), "echoed: the connection is open, its receive armed");
            }
            long start = System.nanoTime();
            running.close(); // stop() from this thread, join the loop, close the server
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 5_000, "stop took " + millis + " ms");
            for (Socket s : clients) {
                assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        assertEquals(before, openDescriptors(), "descriptors before the server and after it and its clients closed");
    }

    @Test
    void steadyStateLoopAllocatesNothing() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(ANY));
             SocketChannel client = SocketChannel.open(running.address)) {
            client.socket().setTcpNoDelay(true);
            ByteBuffer out = ByteBuffer.allocateDirect(512);
            ByteBuffer in = ByteBuffer.allocateDirect(512);
            @SuppressWarnings("deprecation") // Thread.threadId() is Java 19
            long loop = running.thread().getId();
            roundTrips(client, out, in, 20_000);
            long bytes = -1;
            // a few windows, as AllocationContract allows: the first may still see a late JIT deoptimisation
            for (int attempt = 0; attempt < 5 && bytes != 0; attempt++) {
                long start = threads.getThreadAllocatedBytes(loop);
                roundTrips(client, out, in, 5_000);
                bytes = threads.getThreadAllocatedBytes(loop) - start;
            }
            assertEquals(0, bytes, "the loop allocated " + bytes + " bytes over 5,000 echoes of 512 bytes");
        }
    }

    /** Each round: 512 bytes out, the same 512 back. */
    private static void roundTrips(SocketChannel client, ByteBuffer out, ByteBuffer in, int n) throws IOException {
        for (int r = 0; r < n; r++) {
            out.clear();
            out.put(0, (byte) r);
            while (out.hasRemaining()) {
                client.write(out);
            }
            in.clear();
            while (in.hasRemaining()) {
                if (client.read(in) < 0) {
                    throw new AssertionError("end of stream at round " + r);
                }
            }
            assertEquals((byte) r, in.get(0), "round " + r);
        }
    }
}
