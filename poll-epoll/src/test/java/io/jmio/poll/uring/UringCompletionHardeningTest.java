package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hardening of the io_uring completion queue: a failed construction closes what it opened; the
 * time limit of a wait leaves no timeout armed in the kernel once the wait is over; a buffer ring
 * whose unregistration failed keeps its group id.
 *
 * <p>Threading: JUnit's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringCompletionHardeningTest {
    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
    private static final long SETTLE = TimeUnit.MILLISECONDS.toNanos(50);

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
    void reapsEndedByTheUsersTimeoutsLeaveNoWaitTimeoutArmed() throws IOException {
        UringCompletionQueue u = (UringCompletionQueue) q;
        Completions c = new Completions(4);
        for (int i = 0; i < 1000; i++) {
            q.timeout(1_000_000, i);
            q.submit();
            assertEquals(1, q.reap(c, TEN_SECONDS));
            assertEquals(i, c.token(0));
            assertTrue(u.waitTimeoutsArmed() <= 1, () -> u.waitTimeoutsArmed() + " wait timeouts armed");
        }
        assertEquals(0, q.reap(c, SETTLE)); // the removal's completion may come after its io_uring_enter
        assertEquals(0, u.waitTimeoutsArmed(), "wait timeouts left armed in the kernel");
    }

    @Test
    void reapsEndedByASendLeaveNoWaitTimeoutArmed() throws IOException {
        UringCompletionQueue u = (UringCompletionQueue) q;
        Completions c = new Completions(4);
        ByteBuffer one = NativeMemory.allocate(1).put(0, (byte) 'x');
        try (TcpStream client = TcpStream.connect(listener.localAddress()); TcpStream server = listener.accept()) {
            for (int i = 0; i < 1000; i++) {
                q.send(client, one.clear(), i);
                assertEquals(1, q.reap(c, TEN_SECONDS));
                assertEquals(1, c.result(0), () -> c.errnoName(0));
                assertTrue(u.waitTimeoutsArmed() <= 1, () -> u.waitTimeoutsArmed() + " wait timeouts armed");
            }
            assertEquals(0, q.reap(c, SETTLE)); // the removal's completion may come after its io_uring_enter
            assertEquals(0, u.waitTimeoutsArmed(), "wait timeouts left armed in the kernel");
        }
    }

    /**
     * Each signal that ends the kernel wait early ({@code EINTR}) makes the reap wait again with a new
     * time limit: the timeout it armed before is given that limit, not left armed beside a new one until it expires.
     */
    @Test
    void aWaitRestartedBySignalsKeepsAtMostOneTimeoutOfItsOwn() throws Exception {
        UringCompletionQueue u = (UringCompletionQueue) q;
        q.timeout(TimeUnit.MILLISECONDS.toNanos(500), 9);
        q.submit();
        Completions c = new Completions(8);
        SignalledReap.Result r = SignalledReap.run(q, c, TEN_SECONDS);
        assertEquals(1, r.reaped());
        assertEquals(1, u.waitTimeoutsMost(), "wait timeouts armed at once after " + r.signals() + " signals");
        assertEquals(0, q.reap(c, SETTLE)); // the removal's completion may come after its io_uring_enter
        assertEquals(0, u.waitTimeoutsArmed(), "wait timeouts left armed in the kernel");
    }

    @Test
    void aFailedUnregistrationKeepsTheGroupIdReserved() throws IOException {
        BufferRing ring = q.bufferRing(4, 64);
        assertEquals(0, ring.group());
        UringNative.unregisterBufRing(((UringBufferRing) ring).ringFd(), ring.group()); // behind its back
        IOException e = assertThrows(IOException.class, ring::close);
        assertTrue(e.getMessage().contains("group 0 stays reserved"), e.getMessage());
        try (BufferRing next = q.bufferRing(4, 64)) {
            assertNotEquals(0, next.group(), "the id of a group the kernel may still hold was handed out again");
        }
    }

    @Test
    void aConstructionThatFailsClosesTheRingAndTheEventfd() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-XX:MaxDirectMemorySize=256k", "-cp", System.getProperty("java.class.path"),
                ConstructionProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out;
        try (InputStream in = p.getInputStream()) { // closed here, not by a cleaner under another test's count
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\\R");
        assertEquals("failed: OutOfMemoryError; descriptors +0", lines[lines.length - 1], out);
    }

    /** Creates a queue whose buffers exceed the direct-memory limit; prints what the failure left open. */
    static final class ConstructionProbe {
        public static void main(String[] args) throws IOException {
            UringCompletionQueue.create(8).close(); // loads the classes and libraries, which open files of their own
            int before = Fds.openFdCount();
            String what = "created";
            try {
                UringCompletionQueue.create(4096).close();
            } catch (Throwable t) {
                what = "failed: " + t.getClass().getSimpleName();
            }
            System.out.println(what + "; descriptors +" + (Fds.openFdCount() - before));
        }
    }
}
