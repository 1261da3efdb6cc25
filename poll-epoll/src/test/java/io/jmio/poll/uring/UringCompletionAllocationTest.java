package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Steady state of the completion queue allocates nothing: a send and a recv submitted and reaped,
 * 10,000 times after warm-up (a window of them at 0 B among up to five), measured with {@code ThreadMXBean#getThreadAllocatedBytes}.
 *
 * <p>Threading: JUnit's.
 */
class UringCompletionAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int ROUNDS = 10_000;
    private static final int WINDOWS = 5;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sendAndRecvAllocateNothing() throws IOException {
        UringTestBackend.available();
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        try (CompletionQueue q = CompletionQueue.open("io_uring", 16);
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Completions c = new Completions(16);
            q.accept(listener, 0);
            q.reap(c, TimeUnit.SECONDS.toNanos(5));
            assertTrue(c.size() == 1 && c.result(0) >= 0, "accepted");
            try (TcpStream server = TcpStream.fromFd(c.result(0))) {
                ByteBuffer src = NativeMemory.allocate(64);
                ByteBuffer dst = NativeMemory.allocate(64);
                q.cancel(0, 1); // the accept: only send and recv remain in flight
                while (q.inFlight() > 0) {
                    q.reap(c, -1);
                }
                rounds(q, c, client, server, src, dst, WARMUP);
                // Up to WINDOWS windows, as AllocationContract allows: on a loaded machine the JIT may still
                // settle during the first (a few hundred bytes once); an allocation per operation shows in every one.
                long id = Thread.currentThread().getId();
                long bytes = -1;
                for (int w = 0; w < WINDOWS && bytes != 0; w++) {
                    long before = threads.getThreadAllocatedBytes(id);
                    rounds(q, c, client, server, src, dst, ROUNDS);
                    bytes = threads.getThreadAllocatedBytes(id) - before;
                }
                assertEquals(0, bytes, "send + recv + reap allocated " + bytes + " bytes over " + ROUNDS
                        + " rounds, in each of " + WINDOWS + " windows");
            }
        }
    }

    private static void rounds(CompletionQueue q, Completions c, TcpStream client, TcpStream server,
                               ByteBuffer src, ByteBuffer dst, int n) throws IOException {
        for (int r = 0; r < n; r++) {
            src.clear().limit(32);
            q.send(client, src, 2);
            q.recv(server, dst, 3);
            int got = 0;
            while (got < 32 || q.inFlight() > 0) {
                q.reap(c, -1);
                for (int i = 0; i < c.size(); i++) {
                    if (c.token(i) == 3) {
                        if (c.result(i) <= 0) {
                            throw new AssertionError("recv " + c.result(i));
                        }
                        got += c.result(i);
                        if (got < 32) {
                            q.recv(server, dst, 3);
                        }
                    } else if (c.result(i) != 32) {
                        throw new AssertionError("send " + c.result(i));
                    }
                }
            }
        }
    }
}
