package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One {@link Poll} serving many concurrent loopback TCP connections: it accepts all of them, holds
 * them open at once, and echoes each connection's {@link SeededStream}, checking every byte on
 * receipt; the client (a child JVM, {@link LoadClient}) checks every echoed byte and the count. Every
 * byte thus arrives exactly once and in order, both ways, in edge- and in level-triggered mode.
 *
 * <p>1,000 connections run in the default suite; 10,000 under {@code -Pstress} (the server process
 * then holds 10,000 sockets, the client process the other 10,000).
 */
@EnabledOnOs(OS.LINUX)
class ManyConnectionsTest {
    private static final long LISTENER = Long.MAX_VALUE;
    private static final int BATCH = 500;

    @ParameterizedTest(name = "1,000 connections, {0}")
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldEchoEveryByteOfAThousandConcurrentConnections(Trigger trigger) throws Exception {
        serve(1_000, 64 * 1024, trigger);
    }

    @ParameterizedTest(name = "10,000 connections, {0}")
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    @EnabledIfSystemProperty(named = "jmio.stress", matches = "true")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void shouldEchoEveryByteOfTenThousandConcurrentConnections(Trigger trigger) throws Exception {
        serve(10_000, 128 * 1024, trigger);
    }

    /** One server-side connection: echoes what it reads, checking it against the stream first. */
    private static final class Conn {
        final TcpStream stream;
        final long token;
        final ByteBuffer buf = ByteBuffer.allocate(4096).limit(0); // read mode: pending echo
        final byte[] header = new byte[SeededStream.HEADER];
        long seed;
        long bodyLength = -1;
        long received;
        long echoed;
        boolean waitingToWrite;
        boolean done;

        Conn(TcpStream stream, long token) {
            this.stream = stream;
            this.token = token;
        }

        long total() {
            return bodyLength < 0 ? Long.MAX_VALUE : SeededStream.HEADER + bodyLength;
        }
    }

    private static final class Server {
        final Poll poll;
        final Trigger trigger;
        final List<Conn> conns = new ArrayList<>();
        int open;
        int peakOpen;
        int done;
        long bytesVerified;
        long reregistrations;

        Server(Poll poll, Trigger trigger) {
            this.poll = poll;
            this.trigger = trigger;
        }

        void accept(TcpListener listener) throws IOException {
            TcpStream s;
            while ((s = listener.accept()) != null) {
                s.setSendBufferSize(4096); // small, so that echoes block now and then
                Conn c = new Conn(s, conns.size());
                conns.add(c);
                Interest interest = trigger == Trigger.EDGE ? Interest.READABLE.add(Interest.WRITABLE) : Interest.READABLE;
                poll.registry().register(s, Token.of(c.token), interest, trigger);
                open++;
                peakOpen = Math.max(peakOpen, open);
            }
        }

        /** Echo step: flush the pending echo, then read more; stop when either would block. */
        void service(Conn c) throws IOException {
            while (!c.done) {
                while (c.buf.hasRemaining()) {
                    int n = c.stream.write(c.buf);
                    if (n == 0) {
                        waitForWritable(c, true);
                        return;
                    }
                    c.echoed += n;
                }
                waitForWritable(c, false);
                if (c.echoed == c.total()) {
                    // Everything echoed: close first, so TIME_WAIT lands on the server's port.
                    c.done = true;
                    c.stream.close();
                    open--;
                    done++;
                    return;
                }
                c.buf.clear();
                int n = c.stream.read(c.buf);
                c.buf.flip();
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    fail("connection " + c.token + ": end of stream after " + c.received + " of " + c.total() + " bytes");
                }
                verify(c, n);
            }
        }

        private void verify(Conn c, int n) {
            int i = 0;
            for (; i < n && c.received + i < SeededStream.HEADER; i++) {
                c.header[(int) (c.received + i)] = c.buf.get(i);
            }
            if (c.bodyLength < 0 && c.received + i == SeededStream.HEADER) {
                ByteBuffer h = ByteBuffer.wrap(c.header);
                c.seed = h.getLong();
                c.bodyLength = h.getLong();
                assertTrue(c.bodyLength >= 0 && c.bodyLength < 1 << 30, "connection " + c.token + ": header " + c.bodyLength);
            }
            for (; i < n; i++) {
                long pos = c.received + i - SeededStream.HEADER;
                if (c.buf.get(i) != SeededStream.body(c.seed, pos)) {
                    fail("connection " + c.token + " (seed " + c.seed + "): byte " + pos + " differs");
                }
            }
            c.received += n;
            assertTrue(c.received <= c.total(), "connection " + c.token + ": more bytes than sent");
            bytesVerified += n;
        }

        /** Level mode: ask for writable only while an echo is stuck, readable otherwise. */
        private void waitForWritable(Conn c, boolean stuck) throws IOException {
            if (trigger == Trigger.LEVEL && stuck != c.waitingToWrite) {
                c.waitingToWrite = stuck;
                poll.registry().reregister(c.stream, Token.of(c.token), stuck ? Interest.WRITABLE : Interest.READABLE, trigger);
                reregistrations++;
            }
        }
    }

    private static void serve(int connections, int maxBody, Trigger trigger) throws Exception {
        long needed = connections + 512L;
        long limit = TestLibc.raiseOpenFiles(needed);
        Assumptions.assumeTrue(limit >= needed, "RLIMIT_NOFILE is " + limit + " and cannot be raised to "
                + needed + " (the hard limit is " + TestLibc.openFiles()[1] + ")");
        long seed = System.nanoTime();
        Path log = Files.createTempFile("jmio-load-client", ".log");
        try (Poll poll = Poll.open();
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Server server = new Server(poll, trigger);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE, trigger);
            Process client = startClient(listener.localAddress().getPort(), connections, maxBody, seed, log);
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(8).toNanos();
            Events events = Events.withCapacity(1024);
            try {
                while (server.done < connections) {
                    if (System.nanoTime() > deadline) {
                        fail("deadline: " + server.conns.size() + " accepted, " + server.done + " done; client: " + read(log));
                    }
                    if (!client.isAlive() && client.exitValue() != 0) {
                        fail("client failed (seed " + seed + "): " + read(log));
                    }
                    poll.poll(events, Duration.ofMillis(500));
                    for (Event e : events) {
                        if (e.token() == LISTENER) {
                            server.accept(listener);
                        } else {
                            server.service(server.conns.get((int) e.token()));
                        }
                    }
                }
            } catch (AssertionError | IOException e) {
                client.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(e.getMessage() + " (seed " + seed + "); client output: " + read(log), e);
            }
            try {
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "client did not exit: " + read(log));
                String out = read(log);
                assertEquals(0, client.exitValue(), out);
                assertTrue(out.contains("OK connections=" + connections), out);
            } finally {
                client.destroyForcibly();
                for (Conn c : server.conns) {
                    c.stream.close();
                }
            }
            assertEquals(connections, server.conns.size(), "accepted");
            assertEquals(connections, server.peakOpen, "every connection was open at once");
            long expectedBytes = 0;
            for (Conn c : server.conns) {
                assertEquals(c.total(), c.received, "connection " + c.token);
                assertEquals(c.total(), c.echoed, "connection " + c.token);
                expectedBytes += c.total();
            }
            assertEquals(expectedBytes, server.bytesVerified);
            String out = read(log);
            assertTrue(out.contains("bytesEchoed=" + expectedBytes + " "), "client counted other bytes: " + out);
            System.out.printf("[reliability] %d connections (%s): held at once %d, %d bytes verified each way,"
                    + " %d reregistrations, %d ms; client: %s%n", connections, trigger, server.peakOpen,
                    expectedBytes, server.reregistrations, (System.nanoTime() - start) / 1_000_000, out.strip().replace('\n', ' '));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Process startClient(int port, int connections, int maxBody, long seed, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadClient.class.getName());
        command.add(Integer.toString(port));
        command.add(Integer.toString(connections));
        command.add(Integer.toString(maxBody));
        command.add(Integer.toString(BATCH));
        command.add(Long.toString(seed));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log);
    }
}
