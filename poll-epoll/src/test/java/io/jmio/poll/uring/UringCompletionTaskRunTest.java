package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.SyscallException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The completion queue's opt-in task-running modes ({@link UringCompletionBackend.TaskRun}) on the real
 * kernel: each serves accept, recv and send; {@code DEFERRED} binds the ring to its creating thread
 * (another thread's reap fails with {@code EEXIST} and leaves the queue usable), which the default mode
 * does not. Skipped, naming the cause, where io_uring is unavailable.
 *
 * <p>Threading: JUnit's, and one helper thread per cross-thread test.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UringCompletionTaskRunTest {
    private static final long ACCEPT = 1;
    private static final long RECV = 2;
    private static final long SEND = 3;
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private final Completions c = new Completions(16);

    @ParameterizedTest
    @EnumSource(UringCompletionBackend.TaskRun.class)
    void everyModeShouldEcho(UringCompletionBackend.TaskRun mode) throws IOException {
        UringTestBackend.available();
        try (CompletionQueue q = new UringCompletionBackend().open(8, mode);
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            q.accept(listener, ACCEPT);
            int accepted = result(q, ACCEPT);
            assertTrue(accepted >= 0, "accept: " + accepted);
            try (TcpStream server = TcpStream.fromFd(accepted)) {
                echoOnce(q, client, server);
            }
        }
    }

    @Test
    void deferredShouldRefuseAnotherThreadAndStayUsable() throws Exception {
        UringTestBackend.available();
        try (CompletionQueue q = new UringCompletionBackend().open(8, UringCompletionBackend.TaskRun.DEFERRED);
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            q.accept(listener, ACCEPT); // written here; the other thread's reap would submit it
            Throwable other = reapOnAnotherThread(q);
            assertTrue(other instanceof SyscallException, "another thread's reap fails: " + other);
            assertEquals("EEXIST", ((SyscallException) other).errnoName(), other.toString());
            int accepted = result(q, ACCEPT); // the owner submits the same accept and gets the connection
            assertTrue(accepted >= 0, "accept after the refused reap: " + accepted);
            try (TcpStream server = TcpStream.fromFd(accepted)) {
                echoOnce(q, client, server);
            }
        }
    }

    @Test
    void deferredShouldBeWokenFromAnotherThread() throws Exception {
        UringTestBackend.available();
        try (CompletionQueue q = new UringCompletionBackend().open(8, UringCompletionBackend.TaskRun.DEFERRED)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(100); // let the owner reach its wait (a wake before it is kept, not lost)
                    q.wakeup();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            long start = System.nanoTime();
            waker.start();
            assertEquals(0, q.reap(c, TimeUnit.SECONDS.toNanos(10)), "a wake-up reports no completion");
            long waited = System.nanoTime() - start;
            waker.join(10_000);
            assertNull(thrown.get(), "wakeup() from another thread works on a single-issuer ring");
            assertTrue(waited < TimeUnit.SECONDS.toNanos(5), "woken, not timed out: " + waited + " ns");
        }
    }

    @Test
    void defaultShouldLetAnotherThreadReap() throws Exception {
        UringTestBackend.available();
        try (CompletionQueue q = new UringCompletionBackend().open(8, UringCompletionBackend.TaskRun.DEFAULT);
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            q.accept(listener, ACCEPT);
            assertNull(reapOnAnotherThread(q), "the default ring admits any thread, one at a time");
        }
    }

    /** Reaps once, without waiting, on a new thread; returns what it threw. */
    private Throwable reapOnAnotherThread(CompletionQueue q) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                q.reap(new Completions(4), 0);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join(10_000);
        return thrown.get();
    }

    private void echoOnce(CompletionQueue q, TcpStream client, TcpStream server) throws IOException {
        ByteBuffer in = NativeMemory.allocate(64);
        q.recv(server, in, RECV);
        ByteBuffer ping = NativeMemory.allocate(4);
        ping.put("ping".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(4, client.write(ping));
        assertEquals(4, result(q, RECV));
        in.limit(4);
        q.send(server, in, SEND);
        assertEquals(4, result(q, SEND));
        ByteBuffer back = NativeMemory.allocate(4);
        long deadline = System.nanoTime() + WAIT;
        while (back.hasRemaining() && System.nanoTime() < deadline) {
            client.read(back);
        }
        back.flip();
        assertEquals("ping", StandardCharsets.US_ASCII.decode(back).toString());
    }

    private int result(CompletionQueue q, long token) throws IOException {
        long deadline = System.nanoTime() + WAIT;
        while (System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                if (c.token(i) == token) {
                    return c.result(i);
                }
            }
        }
        throw new AssertionError("no completion for token " + token);
    }
}
