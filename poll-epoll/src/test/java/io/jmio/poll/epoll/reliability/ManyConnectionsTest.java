package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Poll;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.TcpListener;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
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

    private static void serve(int connections, int maxBody, Trigger trigger) throws Exception {
        long needed = connections + 512L;
        long limit = TestLibc.raiseOpenFiles(needed);
        Assumptions.assumeTrue(limit >= needed, "RLIMIT_NOFILE is " + limit + " and cannot be raised to "
                + needed + " (the hard limit is " + TestLibc.openFiles()[1] + ")");
        long seed = System.nanoTime();
        Path log = Files.createTempFile("jmio-load-client", ".log");
        try (Poll poll = Poll.open();
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // A small send buffer makes echoes block now and then, so level mode reregisters.
            EchoServer server = new EchoServer(poll, listener, trigger, 4096);
            Process client = startClient(listener.localAddress().getPort(), connections, maxBody, seed, log);
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(8).toNanos();
            try (server) {
                while (server.completed < connections) {
                    if (System.nanoTime() > deadline) {
                        fail("deadline: " + server.accepted + " accepted, " + server.completed + " done");
                    }
                    if (!client.isAlive() && client.exitValue() != 0) {
                        fail("client failed");
                    }
                    server.step(Duration.ofMillis(500));
                }
            } catch (AssertionError | IOException e) {
                client.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(e.getMessage() + " (seed " + seed + "); client output: " + read(log), e);
            } finally {
                if (!client.waitFor(60, TimeUnit.SECONDS)) {
                    client.destroyForcibly();
                }
            }
            String out = read(log);
            assertEquals(0, client.exitValue(), out);
            assertTrue(out.contains("OK connections=" + connections), out);
            assertEquals(connections, server.accepted, "accepted");
            assertEquals(connections, server.peakOpen, "every connection was open at once");
            assertEquals(0, server.peerGone + server.resetsInjected, "connections that ended early");
            assertEquals(server.bytesVerified, server.bytesEchoed);
            assertTrue(out.contains("bytesEchoed=" + server.bytesVerified + " "), "client counted other bytes: " + out);
            System.out.printf("[reliability] %d connections (%s): held at once %d, %d bytes verified each way,"
                    + " %d reregistrations, %d ms; client: %s%n", connections, trigger, server.peakOpen,
                    server.bytesVerified, server.reregistrations, (System.nanoTime() - start) / 1_000_000,
                    out.strip().replace('\n', ' '));
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
