package io.jmio.bench;

import io.jmio.bench.echo.EchoClient;
import io.jmio.bench.echo.EchoServer;
import io.jmio.bench.echo.LoopSample;
import io.jmio.bench.echo.Pinning;
import io.jmio.bench.echo.StraceAttach;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Echo throughput over loopback TCP. The server runs its event loop on its own thread (or process,
 * for C); the JMH thread is the client ({@link EchoClient}): one operation writes one message on each
 * of {@code connections} connections, then reads every reply, so one operation is
 * {@code connections} round trips (the report multiplies).
 *
 * <p>Before anything is timed, and again after the last iteration, every connection is verified to
 * return every byte of distinct random messages; a server that fails fails the run. Over the
 * measurement iterations the server's loop-thread CPU time and system-call counts are summed and
 * written to the {@link Sidecar} file. With {@code -Djmio.bench.strace=<dir>} an {@code strace -c} is
 * attached to the server's loop thread between the two verifications (the {@code bench strace} mode).
 * With one connection the client and the server's loop are pinned to the same CPU ({@link Pinning#pinTogether}).
 *
 * <p>Threading: one JMH thread per trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx1g", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class EchoBenchmark {
    /** The server, one of {@link EchoServer#NAMES}. */
    @Param({"jmio-edge", "jmio-level", "jmio-oneshot", "c-edge", "c-level", "netty-edge", "netty-level",
        "jdk-keys", "jdk-consumer", "uring-edge", "uring-level", "uring-oneshot"})
    public String server;

    /** Concurrent connections, each with one message in flight. */
    @Param({"1", "16", "256"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "16384"})
    public int size;

    private EchoServer echo;
    private EchoClient client;
    private long roundTrips;
    private long measuredRoundTrips;
    private final LoopSample before = new LoopSample();
    private final LoopSample after = new LoopSample();
    private final LoopSample delta = new LoopSample();
    private final LoopSample measured = new LoopSample();
    private boolean measuring;
    private StraceAttach strace;
    private long allRoundTrips;

    /** Starts the server, connects the client and verifies every byte comes back. */
    @Setup(Level.Trial)
    public void start() throws IOException {
        echo = EchoServer.open(server);
        if (connections == 1) {
            Pinning.pinTogether(echo.loopTid());
        } else if (Pinning.enabled()) {
            Pinning.pinClientAndServer(echo.loopTid());
        }
        client = new EchoClient(echo.port(), connections, size);
        client.verify(1);
        measured.zero();
        measuredRoundTrips = 0;
        String straceDir = System.getProperty("jmio.bench.strace");
        if (straceDir != null && !straceDir.isEmpty()) {
            strace = StraceAttach.attach(echo.loopTid(),
                    Paths.get(straceDir, server + "-" + connections + "conns-" + size + "B.txt"));
        }
        allRoundTrips = 0;
    }

    /** Takes the server's counters before an iteration. */
    @Setup(Level.Iteration)
    public void beforeIteration(IterationParams iteration) throws IOException {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        roundTrips = 0;
        echo.sample(before);
    }

    /** Adds the iteration's counts when it was a measurement iteration. */
    @TearDown(Level.Iteration)
    public void afterIteration() throws IOException {
        echo.sample(after);
        if (measuring) {
            delta.setDifference(after, before);
            measured.add(delta);
            measuredRoundTrips += roundTrips;
        }
    }

    /** Verifies again, stops everything and records the counts. */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (strace != null) {
            strace.detach(allRoundTrips);
        }
        try {
            client.verify(2);
        } finally {
            client.close();
            echo.close();
        }
        Sidecar.append("echo", server, connections, size, measuredRoundTrips, measured.cpuNanos, measured.userTicks,
                measured.systemTicks, measured.waits, measured.reads, measured.writes, measured.controls,
                measured.allocatedBytes);
    }

    /** {@code connections} round trips of {@code size} bytes. */
    @Benchmark
    public void echo() throws IOException {
        client.roundTrips();
        roundTrips += connections;
        allRoundTrips += connections;
    }
}
