package io.jmio.bench.echo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Every echo server of the benchmark returns every byte over many connections, and counts what
 * the report says it counts; the client's verification catches a server that corrupts or drops data.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "ThreadStat reads /proc and the netty servers use epoll")
class EchoServersTest {

    @ParameterizedTest
    @ValueSource(strings = {"jmio-edge", "jmio-level", "jmio-oneshot", "jdk-keys", "jdk-consumer", "netty-edge",
        "netty-level", "c-edge", "c-level", "jmio-example", "jmio-edge-drain", "uring-completion",
        "netty-uring", "netty-uring-bufring", "uring-completion-bufring"})
    void shouldEchoEveryByteOnEveryConnection(String name) throws IOException {
        if (name.startsWith("c-")) {
            assumeTrue(CEchoServer.unavailabilityCause() == null, "gcc is not installed");
        }
        if (name.startsWith("netty-uring")) {
            String jars = NettyUringEchoServer.unavailabilityCause();
            assumeTrue(jars == null, () -> "Netty 4.2 is not available: " + jars);
        }
        if (name.startsWith("uring-") || name.startsWith("netty-uring")) {
            Throwable cause = new io.jmio.poll.uring.UringCompletionBackend().unavailabilityCause();
            assumeTrue(cause == null, () -> "io_uring is unavailable here: " + cause);
        }
        try (EchoServer server = EchoServer.open(name);
             EchoClient client = new EchoClient(server.port(), 8, 16384)) {
            client.verify(11);
            LoopSample before = new LoopSample();
            server.sample(before);
            for (int i = 0; i < 50; i++) {
                client.roundTrips();
            }
            client.verify(12);
            LoopSample after = new LoopSample();
            server.sample(after);
            LoopSample delta = new LoopSample();
            delta.setDifference(after, before);
            assertTrue(delta.cpuNanos > 0, "the loop thread used CPU: " + delta.cpuNanos);
            if (server instanceof NettyUringEchoServer) {
                // The loop found in the child JVM is the thread that served: it did the work of 400 round trips.
                assertTrue(delta.cpuNanos > 400 * 1_000L, "the child's loop thread served: " + delta.cpuNanos + " ns");
                assertTrue(!java.nio.file.Files.exists(java.nio.file.Paths.get("/proc/self/task/" + server.loopTid())),
                        "the loop is a thread of the child, not of this JVM");
            }
            if (name.equals("uring-completion-bufring")) {
                // One multishot receive per connection, re-armed only when it ends (ENOBUFS counted apart);
                // every buffer received is sent back: 400 messages of 16 KiB, at least one send each.
                CompletionEchoServer c = (CompletionEchoServer) server;
                assertTrue(c.submissions() - c.receives() >= 400, "sends counted: " + (c.submissions() - c.receives()));
                assertTrue(c.receives() < 100 + c.enobufs(), "multishot: " + c.receives() + " receives submitted, "
                        + c.enobufs() + " ended with ENOBUFS");
            }
            if (server instanceof CompletionEchoServer) {
                // recv and send ride in the reaps' io_uring_enter: counted as submissions, not system calls
                int least = name.equals("uring-completion") ? 800 : 400; // a recv and a send per message, or a send
                assertTrue(((CompletionEchoServer) server).submissions() >= least, "submissions counted");
                assertTrue(delta.reads == 0 && delta.writes == 0, "no read or write system calls");
                assertTrue(delta.waits > 0, "reaps counted: " + delta.waits);
            } else if (!name.startsWith("netty") && !name.equals("jmio-example")) {
                // 400 messages of 16 KiB and the verification's: at least one read and write each.
                assertTrue(delta.reads >= 400, "reads counted: " + delta.reads);
                assertTrue(delta.writes >= 400, "writes counted: " + delta.writes);
                assertTrue(delta.waits > 0, "waits counted: " + delta.waits);
            }
            if (name.equals("jmio-oneshot")) {
                assertTrue(delta.controls >= 400, "oneshot rearms once per event: " + delta.controls);
            }
            if (name.equals("jmio-edge-drain")) {
                // The kernel's count lets the loop stop without the read that would block: 16 KiB messages
                // arrive in pieces, so some events still need several reads, but not one more per event.
                assertTrue(delta.reads < delta.writes + delta.waits, "edge-drain: reads " + delta.reads + ", writes "
                        + delta.writes + ", waits " + delta.waits);
            }
            if (name.endsWith("-level")) {
                // One read per readable event, and every chunk read is written back at least once.
                assertTrue(delta.reads <= delta.writes, "level: reads " + delta.reads + " > writes " + delta.writes);
            }
            if (name.endsWith("-edge") && !name.startsWith("netty") && !name.equals("jmio-example")) {
                // Draining until a read would block costs one read more per event than the data needs.
                assertTrue(delta.reads > delta.writes, "edge: reads " + delta.reads + " <= writes " + delta.writes);
            }
        }
    }

    @Test
    void aBufferRingRunningDryShouldLoseNothing() throws IOException {
        Throwable cause = new io.jmio.poll.uring.UringCompletionBackend().unavailabilityCause();
        assumeTrue(cause == null, () -> "io_uring is unavailable here: " + cause);
        // 4 buffers of 1 KiB for 8 connections of 16 KiB messages: receives end with ENOBUFS all the time.
        try (CompletionEchoServer server = new CompletionEchoServer(
                io.jmio.poll.uring.UringCompletionBackend.TaskRun.DEFAULT, 4, 1024);
             EchoClient client = new EchoClient(server.port(), 8, 16384)) {
            client.verify(21);
            for (int i = 0; i < 20; i++) {
                client.roundTrips();
            }
            client.verify(22);
            assertTrue(server.enobufs() > 0, "the ring ran dry: " + server.enobufs() + " ENOBUFS");
            assertTrue(server.receives() >= 8 + server.enobufs(), "each ENOBUFS re-armed: " + server.receives()
                    + " receives, " + server.enobufs() + " ENOBUFS");
        }
    }

    @Test
    void shouldRejectAnUnknownServerName() {
        assertThrows(IllegalArgumentException.class, () -> EchoServer.open("nope"));
    }

    @Test
    void verificationShouldCatchACorruptedByte() throws Exception {
        try (BadServer bad = new BadServer(true);
             EchoClient client = new EchoClient(bad.port(), 1, 64)) {
            IOException e = assertThrows(IOException.class, () -> client.verify(1));
            assertTrue(e.getMessage().contains("different bytes"), e.getMessage());
        }
    }

    @Test
    void verificationShouldCatchADroppedConnection() throws Exception {
        try (BadServer bad = new BadServer(false);
             EchoClient client = new EchoClient(bad.port(), 1, 64)) {
            IOException e = assertThrows(IOException.class, () -> client.verify(1));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    /** Echoes with the 3000th byte flipped, or closes the connection after 2 bytes. */
    private static final class BadServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;

        BadServer(boolean corrupt) throws IOException {
            thread = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    long position = 0;
                    int b;
                    while ((b = in.read()) >= 0) {
                        if (!corrupt && position == 2) {
                            return;
                        }
                        out.write(corrupt && position == 3000 ? b ^ 1 : b);
                        position++;
                    }
                } catch (IOException e) {
                    // the test closed the connection
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(5000);
        }
    }
}
