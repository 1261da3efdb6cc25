package io.jmio.bench.latency;

import io.jmio.bench.echo.CEchoServer;
import io.jmio.bench.echo.EchoClient;
import io.jmio.bench.echo.EchoServer;
import io.jmio.bench.echo.LoopSample;
import io.jmio.bench.echo.NettyUringEchoServer;

import one.profiler.AsyncProfiler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One echo server in a JVM of its own, driven by {@link LatencyBench} over standard input and output:
 * it starts the server, verifies every byte on 16 connections ({@link EchoClient#verify}), prints
 * {@code READY}, then runs one command per input line and answers each with one {@code RESULT} line
 * of tab-separated fields ({@link #FIELDS}); {@code quit} verifies again and stops. A failure prints
 * {@code ERROR <message>} and exits with status 1. Commands:
 * <ul>
 *   <li>{@code closed <conns> <size> <warmup-ms> <measure-ms> <label>}: the C client in closed loop;</li>
 *   <li>{@code open <conns> <size> <warmup-ms> <measure-ms> <rate> <label>}: the C client in open loop
 *       at {@code rate} messages per second;</li>
 *   <li>{@code profile <conns> <size> <ms>}: closed loop with async-profiler on the server's loop,
 *       writing {@code profiles/<server>.html} and {@code .collapsed}.</li>
 * </ul>
 * Every run records the loop thread's CPU time and system calls (as the echo benchmark counts them)
 * and this JVM's GC, safepoint and JIT activity ({@link JvmActivity}); histograms go to
 * {@code hist/<server>-<label>.tsv} under the output directory.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jmio.bench.latency.LatencyHost <server> <output-dir>}
 *
 * <p>Threading: a command-line program; the main thread runs the commands.
 */
public final class LatencyHost {
    /** The fields of a {@code RESULT} line, in order (also the header of {@code latency.tsv}). */
    public static final String FIELDS = "kind\tserver\tconns\tsize\tlabel\toffered_per_s\tper_s\trecorded\tsent"
            + "\tunanswered\tlate_sends\tmax_send_lateness_ns\tclient_cpu_us\tloop_cpu_ns\tloop_runq_ns\tloop_syscalls\tloop_alloc"
            + "\tgc_count\tgc_ms\tsafepoints\tsafepoint_ms\tjit_ms\thistogram";

    private final String server;
    private final Path out;
    private final EchoServer echo;

    private LatencyHost(String server, Path out) throws IOException {
        this.server = server;
        this.out = out;
        this.echo = EchoServer.open(server);
    }

    /**
     * @param args server name and output directory
     * @throws IOException never: failures are reported as {@code ERROR} and exit status 1
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LatencyHost <server> <output-dir>");
            System.exit(2);
        }
        try {
            LatencyHost host = new LatencyHost(args[0], Paths.get(args[1]));
            try {
                host.verify(1);
                System.out.println("READY");
                System.out.flush();
                host.serve();
                host.verify(2);
            } finally {
                host.echo.close();
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("ERROR " + args[0] + ": " + e);
            System.out.flush();
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void verify(long seed) throws IOException {
        try (EchoClient client = new EchoClient(echo.port(), 16, 64)) {
            client.verify(seed);
        }
    }

    private void serve() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            String[] a = line.trim().split(" ");
            String result;
            switch (a[0]) {
                case "closed":
                    result = run("closed", false, Integer.parseInt(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]),
                            Long.parseLong(a[4]), 0, a[5]);
                    break;
                case "open":
                    result = run("open", true, Integer.parseInt(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]),
                            Long.parseLong(a[4]), Double.parseDouble(a[5]), a[6]);
                    break;
                case "profile":
                    result = profile(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
                    break;
                default:
                    throw new IllegalArgumentException("unknown command '" + line + "'");
            }
            System.out.println("RESULT\t" + result);
            System.out.flush();
        }
    }

    private String run(String kind, boolean open, int conns, int size, long warmupMs, long measureMs, double rate,
                       String label) throws IOException {
        Path hist = out.resolve("hist").resolve(server + "-" + label + ".tsv");
        Files.createDirectories(hist.getParent());
        LoopSample before = new LoopSample();
        LoopSample after = new LoopSample();
        JvmActivity jvmBefore = new JvmActivity();
        JvmActivity jvmAfter = new JvmActivity();
        echo.sample(before);
        jvmBefore.sample();
        Map<String, Double> r = CLoadClient.run(echo.port(), open, conns, size, warmupMs, measureMs, rate, hist);
        jvmAfter.sample();
        echo.sample(after);
        LoopSample loop = new LoopSample();
        loop.setDifference(after, before);
        return line(kind, conns, size, label, r, loop, inProcess() ? JvmActivity.difference(jvmAfter, jvmBefore) : null,
                out.relativize(hist).toString());
    }

    private String profile(int conns, int size, long ms) throws IOException {
        Path dir = out.resolve("profiles");
        Files.createDirectories(dir);
        Path base = dir.resolve(server);
        Path hist = Files.createTempFile("jmio-profile", ".tsv");
        try {
            Map<String, Double> r;
            if (echo instanceof NettyUringEchoServer) {
                // A child JVM: it profiles its own loop thread, as the in-process servers are profiled here.
                NettyUringEchoServer child = (NettyUringEchoServer) echo;
                child.startProfile(base);
                try {
                    r = CLoadClient.run(echo.port(), false, conns, size, 0, ms, 0, hist);
                } finally {
                    child.stopProfile();
                }
            } else if (inProcess()) {
                AsyncProfiler profiler = LoopProfiler.startJava();
                try {
                    r = CLoadClient.run(echo.port(), false, conns, size, 0, ms, 0, hist);
                } finally {
                    LoopProfiler.stopJava(profiler, base);
                }
            } else {
                // The C server profiles itself from start to exit: one run for the flame graph, one for the stacks.
                r = null;
                for (String ext : new String[] {".html", ".collapsed"}) {
                    try (EchoServer c = CEchoServer.start(server.equals("c-edge"),
                            LoopProfiler.preload(Paths.get(base + ext)))) {
                        r = CLoadClient.run(c.port(), false, conns, size, 0, ms, 0, hist);
                    }
                }
            }
            return line("profile", conns, size, "profile", r, null, null, out.relativize(base).toString() + ".html");
        } finally {
            Files.deleteIfExists(hist);
        }
    }

    /** @return true if the server's loop runs in this JVM (not the C server, not Netty 4.2's child JVM) */
    private boolean inProcess() {
        return !server.startsWith("c-") && !(echo instanceof NettyUringEchoServer);
    }

    private String line(String kind, int conns, int size, String label, Map<String, Double> r, LoopSample loop,
                        JvmActivity jvm, String file) {
        StringJoiner j = new StringJoiner("\t");
        j.add(kind).add(server).add(Integer.toString(conns)).add(Integer.toString(size)).add(label);
        for (String key : new String[] {"OFFERED_PER_S", "PER_S", "RECORDED", "SENT", "UNANSWERED", "LATE_SENDS",
            "MAX_SEND_LATENESS_NS", "CLIENT_CPU_US"}) {
            Double v = r.get(key);
            j.add(v == null ? "-1" : key.endsWith("PER_S") ? String.format(java.util.Locale.ROOT, "%.1f", v)
                    : Long.toString(v.longValue()));
        }
        if (loop == null) {
            j.add("-1").add("-1").add("-1").add("-1");
        } else {
            boolean counted = loop.waits >= 0 && loop.reads >= 0 && loop.writes >= 0 && loop.controls >= 0;
            j.add(Long.toString(loop.cpuNanos)).add(Long.toString(loop.runQueueNanos))
                    .add(Long.toString(counted ? loop.waits + loop.reads + loop.writes + loop.controls : -1))
                    .add(Long.toString(loop.allocatedBytes));
        }
        if (jvm == null) {
            j.add("-1").add("-1").add("-1").add("-1").add("-1");
        } else {
            j.add(Long.toString(jvm.gcCount)).add(Long.toString(jvm.gcMillis)).add(Long.toString(jvm.safepoints))
                    .add(Long.toString(jvm.safepointMillis)).add(Long.toString(jvm.jitMillis));
        }
        return j.add(file).toString();
    }
}
