package io.jmio.bench.report;

import io.jmio.bench.echo.EchoServer;
import io.jmio.bench.echo.ThreadStat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one run's results directory into {@code report.md} (throughput, ratios, CPU and system calls
 * per round trip, micro-costs, allocation, and a check of every target) and {@code echo.svg}.
 *
 * <p>Reads {@code jmh.json} (JMH's result file), {@code echo-metrics.tsv} (the echo benchmark's
 * {@link io.jmio.bench.Sidecar} lines), {@code strace/*.txt} (the strace mode's summaries, if any) and
 * {@code notes.txt} (lines the {@code bench} script wants in the report, such as a skipped C server).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jmio.bench.report.Report <results-dir> <mode> <command>}
 *
 * <p>Threading: a command-line program; single-threaded.
 */
public final class Report {
    static final int[] CONNECTIONS = {1, 16, 256};
    static final int[] SIZES = {64, 16384};
    static final String[] MICRO = {"pollNothingReady", "pollOneReady", "wakeRoundTrip", "registerDeregister",
        "reregister", "iterateEvents"};

    /** Pseudo server name: the better of the two JDK servers in each cell. */
    static final String JDK_BEST = "jdk-best";

    /** One JMH result. */
    record Result(String clazz, String method, Map<String, String> params, double score, double error, String unit,
                  double allocNorm) {
    }

    /** The echo benchmark's sidecar numbers for one (server, connections, size). */
    static final class EchoCost {
        long roundTrips;
        long cpuNanos;
        long userTicks;
        long systemTicks;
        long waits;
        long reads;
        long writes;
        long controls;
        long allocated;

        double perRoundTrip(long value) {
            return value < 0 || roundTrips == 0 ? Double.NaN : (double) value / roundTrips;
        }

        double syscalls() {
            if (waits < 0 || reads < 0 || writes < 0 || controls < 0) {
                return Double.NaN;
            }
            return perRoundTrip(waits + reads + writes + controls);
        }
    }

    private final List<Result> results = new ArrayList<>();
    private String jdk = "?";
    private final Map<String, EchoCost> costs = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();

    private Report() {
    }

    /**
     * @param args results directory, mode, and the command that produced the results
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report <results-dir> [mode] [command]");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        Report report = new Report();
        report.load(dir);
        report.write(dir, args.length > 1 ? args[1] : "?", args.length > 2 ? String.join(" ", List.of(args).subList(2, args.length)) : "?");
        System.out.println("report: " + dir.resolve("report.md") + ", chart: " + dir.resolve("echo.svg"));
    }

    @SuppressWarnings("unchecked")
    private void load(Path dir) throws IOException {
        Object json = Json.parse(Files.readString(dir.resolve("jmh.json")));
        for (Object o : (List<Object>) json) {
            Map<String, Object> r = (Map<String, Object>) o;
            String benchmark = (String) r.get("benchmark");
            jdk = r.get("vmName") + " " + r.get("jdkVersion") + " (" + r.get("vmVersion") + ")";
            int dot = benchmark.lastIndexOf('.');
            String clazz = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
            Map<String, String> params = new TreeMap<>();
            Object p = r.get("params");
            if (p != null) {
                ((Map<String, Object>) p).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            double alloc = Double.NaN;
            Object secondary = r.get("secondaryMetrics");
            if (secondary != null) {
                for (Map.Entry<String, Object> e : ((Map<String, Object>) secondary).entrySet()) {
                    if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                        alloc = number(((Map<String, Object>) e.getValue()).get("score"));
                    }
                }
            }
            results.add(new Result(clazz, benchmark.substring(dot + 1), params, number(primary.get("score")),
                    number(primary.get("scoreError")), (String) primary.get("scoreUnit"), alloc));
        }
        Path tsv = dir.resolve("echo-metrics.tsv");
        if (Files.exists(tsv)) {
            for (String line : Files.readAllLines(tsv)) {
                String[] f = line.split("\t");
                if (f.length < 13 || !f[0].equals("echo")) {
                    continue;
                }
                EchoCost c = costs.computeIfAbsent(key(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])), k -> new EchoCost());
                c.roundTrips += Long.parseLong(f[4]);
                c.cpuNanos += Long.parseLong(f[5]);
                c.userTicks += Long.parseLong(f[6]);
                c.systemTicks += Long.parseLong(f[7]);
                c.waits = add(c.waits, Long.parseLong(f[8]));
                c.reads = add(c.reads, Long.parseLong(f[9]));
                c.writes = add(c.writes, Long.parseLong(f[10]));
                c.controls = add(c.controls, Long.parseLong(f[11]));
                c.allocated = add(c.allocated, Long.parseLong(f[12]));
            }
        }
    }

    private static long add(long a, long b) {
        return a < 0 || b < 0 ? -1 : a + b;
    }

    private static double number(Object o) {
        if (o instanceof Double) {
            return (Double) o;
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String key(String server, int connections, int size) {
        return server + "|" + connections + "|" + size;
    }

    /** @return round trips per second, or NaN if that run is missing */
    double echo(String server, int connections, int size) {
        if (server.equals(JDK_BEST)) {
            double keys = echo("jdk-keys", connections, size);
            double consumer = echo("jdk-consumer", connections, size);
            return Double.isNaN(keys) ? consumer : Double.isNaN(consumer) ? keys : Math.max(keys, consumer);
        }
        for (Result r : results) {
            if (r.clazz.equals("EchoBenchmark") && server.equals(r.params.get("server"))
                    && String.valueOf(connections).equals(r.params.get("connections"))
                    && String.valueOf(size).equals(r.params.get("size"))) {
                return r.score * connections;
            }
        }
        return Double.NaN;
    }

    /** @return JMH's score error (99.9 %) of {@link #echo} in round trips per second, or NaN */
    double echoError(String server, int connections, int size) {
        for (Result r : results) {
            if (r.clazz.equals("EchoBenchmark") && server.equals(r.params.get("server"))
                    && String.valueOf(connections).equals(r.params.get("connections"))
                    && String.valueOf(size).equals(r.params.get("size"))) {
                return r.error * connections;
            }
        }
        return Double.NaN;
    }

    /** @return the loop's CPU ns per round trip ({@code cpu}) or system calls per round trip, or NaN */
    double perRoundTrip(String server, int connections, int size, boolean cpu) {
        EchoCost k = cost(server, connections, size);
        return k == null ? Double.NaN : cpu ? k.perRoundTrip(k.cpuNanos) : k.syscalls();
    }

    private Result micro(String clazz, String method, String idleFds) {
        for (Result r : results) {
            if (r.clazz.equals(clazz) && r.method.equals(method)
                    && (idleFds == null || idleFds.equals(r.params.get("idleFds")))) {
                return r;
            }
        }
        return null;
    }

    private EchoCost cost(String server, int connections, int size) {
        return costs.get(key(server, connections, size));
    }

    private void write(Path dir, String mode, String command) throws IOException {
        md.append("# jmio benchmark report\n\n");
        md.append("- Mode: `").append(mode).append("`; command: `").append(command).append("`\n");
        md.append("- Machine: ").append(machine()).append("; JDK: ").append(jdk).append('\n');
        md.append("- JMH results: `jmh.json`; full log: `jmh.log`; chart: `echo.svg`\n");
        Path notes = dir.resolve("notes.txt");
        if (Files.exists(notes)) {
            for (String line : Files.readAllLines(notes)) {
                if (!line.isBlank()) {
                    md.append("- Note: ").append(line).append('\n');
                }
            }
        }
        md.append("\nOne JMH run on a shared 2-core machine: compare ratios within this report, not absolute numbers "
                + "across machines. Ratios are A/B of round trips per second (higher favours A) or of costs "
                + "(lower favours A), as each column says.\n");
        echoTables();
        costTable();
        microTable();
        layersTable();
        hotPathTable();
        straceSection(dir);
        targetSection();
        md.append(new CompletionTargets(this, dir).render());
        Files.writeString(dir.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("echo.svg"), new EchoChart(this).render(), StandardCharsets.UTF_8);
    }

    private static String machine() {
        String model = "?";
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: leave the model unknown
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores (" + model + ")";
    }

    private void echoTables() {
        md.append("\n## Echo throughput (round trips per second, loopback TCP)\n\n");
        md.append("Server loop on one thread (C: one process), client on the JMH thread; one operation = one message "
                + "on every connection, then every reply. 1-connection cells: the client and the server's loop are "
                + "pinned to the same CPU (they take turns; the cell is a whole round trip's cost, not the "
                + "scheduler's placement of two threads).\n\n");
        md.append("| size | conns |");
        for (String s : EchoServer.NAMES) {
            md.append(' ').append(s).append(" |");
        }
        md.append("\n|---|---|");
        for (int i = 0; i < EchoServer.NAMES.length; i++) {
            md.append("---:|");
        }
        md.append('\n');
        for (int size : SIZES) {
            for (int c : CONNECTIONS) {
                md.append("| ").append(size(size)).append(" | ").append(c).append(" |");
                for (String s : EchoServer.NAMES) {
                    md.append(' ').append(rate(echo(s, c, size))).append(" |");
                }
                md.append('\n');
            }
        }
        md.append("\n### Ratios of round trips per second (higher favours jmio)\n\n");
        md.append("| size | conns | jmio ET/LT | jmio-ET/C-ET | jmio-LT/C-LT | jmio-ET/JDK | jmio-LT/JDK | jmio-ET/Netty-ET "
                + "| jmio-LT/Netty-LT | jmio-oneshot/jmio-LT |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int size : SIZES) {
            for (int c : CONNECTIONS) {
                double et = echo("jmio-edge", c, size);
                double lt = echo("jmio-level", c, size);
                double jdk = echo(JDK_BEST, c, size);
                md.append("| ").append(size(size)).append(" | ").append(c).append(" | ")
                        .append(ratio(et / lt)).append(" | ")
                        .append(ratio(et / echo("c-edge", c, size))).append(" | ")
                        .append(ratio(lt / echo("c-level", c, size))).append(" | ")
                        .append(ratio(et / jdk)).append(" | ")
                        .append(ratio(lt / jdk)).append(" | ")
                        .append(ratio(et / echo("netty-edge", c, size))).append(" | ")
                        .append(ratio(lt / echo("netty-level", c, size))).append(" | ")
                        .append(ratio(echo("jmio-oneshot", c, size) / lt)).append(" |\n");
            }
        }
        md.append("\nJDK = the better of `jdk-keys` (selectedKeys() loop) and `jdk-consumer` (select(Consumer)).\n");
    }

    private void costTable() {
        md.append("\n## Cost per round trip in the server's event loop\n\n");
        md.append("CPU from `/proc/<pid>/task/<tid>/schedstat` (on-CPU ns) and `stat` (user/system, 10 ms ticks) of the "
                + "loop thread (C: the process), over the measurement iterations. System calls are counted by the "
                + "servers' own loops: jmio counts `epoll_wait`, `recv`, `send`, `epoll_ctl` (reads and writes columns), C "
                + "`epoll_wait`, `read`, `write`, `epoll_ctl`; the JDK server "
                + "counts its select/read/write/interestOps calls (the JDK's own `epoll_ctl`s are invisible); Netty "
                + "is not instrumented (see the strace mode). Loop alloc = bytes the loop thread allocated "
                + "(ThreadMXBean), per round trip; JMH B/op is the gc profiler's whole-JVM figure per round trip "
                + "(client included). The user/system split is sampled by the kernel in 10 ms ticks (column ticks u/s: "
                + "the counts behind it); with a few ticks of user time, ±1 tick is a large error, while CPU ns/rt "
                + "(the scheduler's exact runtime) is precise.\n\n");
        md.append("| size | conns | server | rt/s | CPU ns/rt | user ns/rt | sys ns/rt | ticks u/s | syscalls/rt | waits/rt "
                + "| reads/rt | writes/rt | ctl/rt | loop alloc B/rt | JMH B/rt |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int size : SIZES) {
            for (int c : CONNECTIONS) {
                for (String s : EchoServer.NAMES) {
                    double rate = echo(s, c, size);
                    EchoCost k = cost(s, c, size);
                    if (Double.isNaN(rate) && k == null) {
                        continue;
                    }
                    md.append("| ").append(size(size)).append(" | ").append(c).append(" | ").append(s).append(" | ")
                            .append(rate(rate)).append(" | ");
                    if (k == null) {
                        md.append("— | — | — | — | — | — | — | — | — | — |");
                    } else {
                        md.append(num(k.perRoundTrip(k.cpuNanos), 0)).append(" | ")
                                .append(num(k.perRoundTrip(k.userTicks * ThreadStat.NANOS_PER_TICK), 0)).append(" | ")
                                .append(num(k.perRoundTrip(k.systemTicks * ThreadStat.NANOS_PER_TICK), 0)).append(" | ")
                                .append(k.userTicks).append('/').append(k.systemTicks).append(" | ")
                                .append(num(k.syscalls(), 2)).append(" | ")
                                .append(num(k.perRoundTrip(k.waits), 2)).append(" | ")
                                .append(num(k.perRoundTrip(k.reads), 2)).append(" | ")
                                .append(num(k.perRoundTrip(k.writes), 2)).append(" | ")
                                .append(num(k.perRoundTrip(k.controls), 2)).append(" | ")
                                .append(num(k.perRoundTrip(k.allocated), 3)).append(" |");
                    }
                    double jmhAlloc = Double.NaN;
                    for (Result r : results) {
                        if (r.clazz.equals("EchoBenchmark") && s.equals(r.params.get("server"))
                                && String.valueOf(c).equals(r.params.get("connections"))
                                && String.valueOf(size).equals(r.params.get("size"))) {
                            jmhAlloc = r.allocNorm / c;
                        }
                    }
                    md.append(' ').append(num(jmhAlloc, 2)).append(" |\n");
                }
            }
        }
    }

    private void microTable() {
        md.append("\n## Micro-costs (ns per operation, lower is better)\n\n");
        md.append("jmio = `JmioPollBenchmark` (epoll backend), JDK = `JdkSelectorBenchmark`, Netty = `NettyEpollBenchmark` "
                + "(Netty 4.1's raw `Native.epollWait`/`epollCtl*`/`eventFdWrite` and `EpollEventArray`, below its "
                + "pipeline). The JDK's `registerDeregister` and `reregister` include the `selectNow()` that applies "
                + "its deferred updates; a key cancelled before any select never reaches the kernel, so the JDK's "
                + "`registerDeregister` makes no `epoll_ctl` at all (jmio and Netty make two) and is not a like-for-like "
                + "number. B/op from `-prof gc`.\n\n");
        md.append("| operation | jmio ns | JDK ns | Netty ns | jmio/Netty | jmio/JDK | jmio B/op | JDK B/op | Netty B/op |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String m : MICRO) {
            String[] variants = m.equals("pollOneReady") ? new String[] {"1", "10000"} : new String[] {null};
            for (String idle : variants) {
                Result j = micro("JmioPollBenchmark", m, idle);
                Result d = micro("JdkSelectorBenchmark", m, idle);
                Result n = micro("NettyEpollBenchmark", m, idle);
                if (j == null && d == null && n == null) {
                    continue;
                }
                md.append("| ").append(m).append(idle == null ? "" : " (" + idle + " idle fds)").append(" | ")
                        .append(num(score(j), 1)).append(" | ").append(num(score(d), 1)).append(" | ")
                        .append(num(score(n), 1)).append(" | ").append(ratio(score(j) / score(n))).append(" | ")
                        .append(ratio(score(j) / score(d))).append(" | ").append(num(alloc(j), 3)).append(" | ")
                        .append(num(alloc(d), 3)).append(" | ").append(num(alloc(n), 3)).append(" |\n");
            }
        }
    }

    /** HotPathBenchmark (the socket hot path layer by layer), if it ran: both JVM set-ups side by side. */
    private void hotPathTable() {
        List<String> methods = new ArrayList<>();
        for (Result r : results) {
            if ((r.clazz.equals("HotPathBenchmark") || r.clazz.equals("JniAddress")) && !methods.contains(r.method)) {
                methods.add(r.method);
            }
        }
        if (methods.isEmpty()) {
            return;
        }
        md.append("\n## Socket hot path (`HotPathBenchmark`, loopback TCP pair, ns per operation)\n\n");
        md.append("Exported = the JVM has `--add-exports java.base/sun.nio.ch=ALL-UNNAMED` (jmio reads buffer addresses "
                + "in Java); JNI = without it (`HotPathBenchmark.JniAddress`: addresses through JNI, jmio's only way "
                + "before). `wouldBlock*`: a read with nothing to read; `echo64*`: a 64-byte write and the read of it; "
                + "`*Jnr`: the bare binding; `*NoErrno`: the same binding without errno saving; `*Netty`: Netty's JNI "
                + "`Socket.recvAddress`/`sendAddress`; `*Jdk`: `SocketChannel`.\n\n");
        md.append("| operation | exported ns | JNI ns | exported/JNI | exported B/op |\n|---|---:|---:|---:|---:|\n");
        for (String m : methods) {
            Result a = micro("HotPathBenchmark", m, null);
            Result b = micro("JniAddress", m, null);
            md.append("| ").append(m).append(" | ").append(num(score(a), 1)).append(" | ").append(num(score(b), 1))
                    .append(" | ").append(ratio(score(a) / score(b))).append(" | ").append(num(alloc(a), 3)).append(" |\n");
        }
    }

    private void layersTable() {
        String[][] rows = {
            {"NettyEpollBenchmark", "pollNothingReady", "Netty: JNI `epoll_wait` (`Native.epollWait`)"},
            {"JmioLayersBenchmark", "jnrEpollWait", "jmio: bare jnr-ffi `epoll_wait` binding"},
            {"JmioLayersBenchmark", "epollNativeWait", "+ `EpollNative` facade (result and errno check)"},
            {"JmioLayersBenchmark", "selectorSelect", "+ SPI `Selector.select` (life-cycle guard, wake flag)"},
            {"JmioPollBenchmark", "pollNothingReady", "+ `Poll.poll` (timeout conversion, event list)"},
        };
        if (micro("JmioLayersBenchmark", "jnrEpollWait", null) == null) {
            return;
        }
        md.append("\n### Where a jmio poll's time goes (nothing ready, zero timeout)\n\nEach layer is a separate fork; "
                + "differences smaller than the fork-to-fork spread (often tens of ns here) mean nothing.\n\n"
                + "| layer | ns/op | ± (99.9 %) |\n|---|---:|---:|\n");
        for (String[] row : rows) {
            Result r = micro(row[0], row[1], null);
            md.append("| ").append(row[2]).append(" | ").append(num(score(r), 1)).append(" | ")
                    .append(num(r == null ? Double.NaN : r.error, 1)).append(" |\n");
        }
    }

    private static double score(Result r) {
        return r == null ? Double.NaN : r.score;
    }

    private static double alloc(Result r) {
        return r == null ? Double.NaN : r.allocNorm;
    }

    private void straceSection(Path dir) throws IOException {
        Path straceDir = dir.resolve("strace");
        if (!Files.isDirectory(straceDir)) {
            return;
        }
        md.append("\n## strace -c of the server loop (strace mode)\n\n");
        md.append("`strace -c -p <loop tid>` attached to the event-loop thread (C: the process) from the first "
                + "warm-up iteration to the last measurement iteration (without `-f`, which with `-p` would attach "
                + "every thread of the JVM, the client's too); calls per round trip = calls / round trips the client "
                + "completed in that window. strace slows every system call, so throughput in this mode means nothing.\n\n");
        md.append("| run | round trips | total calls | calls/rt | top calls |\n|---|---:|---:|---:|---|\n");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(straceDir, "*.txt")) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                StraceSummary s = StraceSummary.read(f);
                if (s == null) {
                    continue;
                }
                md.append("| ").append(f.getFileName().toString().replace(".txt", "")).append(" | ").append(s.roundTrips)
                        .append(" | ").append(s.total).append(" | ")
                        .append(num(s.roundTrips == 0 ? Double.NaN : (double) s.total / s.roundTrips, 2)).append(" | ")
                        .append(s.top(s.roundTrips)).append(" |\n");
            }
        }
    }

    private void targetSection() {
        md.append("\n## Targets\n\n");
        md.append("Each target over every (size, connections) cell that has both numbers; the worst cell decides "
                + "(the median shows whether the worst is typical). \"short\" means jmio falls short of the target in "
                + "this run. Rows marked (context) are not targets of the issue: total CPU is the precise "
                + "counterpart of the tick-sampled user CPU.\n\n");
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        pairTarget("echo throughput jmio-edge ≥ 0.95 × C edge", "jmio-edge", "c-edge", 0.95, true, this::echo);
        pairTarget("echo throughput jmio-level ≥ 0.95 × C level", "jmio-level", "c-level", 0.95, true, this::echo);
        pairTarget("echo throughput jmio-edge ≥ 1.0 × Netty edge", "jmio-edge", "netty-edge", 1.0, true, this::echo);
        pairTarget("echo throughput jmio-level ≥ 1.0 × Netty level", "jmio-level", "netty-level", 1.0, true, this::echo);
        pairTarget("echo throughput jmio-edge ≥ 1.0 × JDK (the better of keys and consumer)", "jmio-edge", JDK_BEST, 1.0,
                true, this::echo);
        pairTarget("echo throughput jmio-level ≥ 1.0 × JDK (the better of keys and consumer)", "jmio-level", JDK_BEST, 1.0,
                true, this::echo);
        Metric user = (s, c, z) -> {
            EchoCost k = cost(s, c, z);
            return k == null ? Double.NaN : k.perRoundTrip(k.userTicks * ThreadStat.NANOS_PER_TICK);
        };
        pairTarget("user CPU/rt jmio-level ≤ 0.5 × JDK (keys)", "jmio-level", "jdk-keys", 0.5, false, user);
        pooledUserTarget("jmio-level", "jdk-keys", 0.5);
        pairTarget("user CPU/rt jmio-edge ≤ 0.5 × JDK (keys)", "jmio-edge", "jdk-keys", 0.5, false, user);
        pooledUserTarget("jmio-edge", "jdk-keys", 0.5);
        pairTarget("user CPU/rt jmio-edge ≤ 2 × C edge", "jmio-edge", "c-edge", 2.0, false, user);
        pooledUserTarget("jmio-edge", "c-edge", 2.0);
        pairTarget("user CPU/rt jmio-level ≤ 2 × C level", "jmio-level", "c-level", 2.0, false, user);
        pooledUserTarget("jmio-level", "c-level", 2.0);
        Metric cpu = (s, c, z) -> {
            EchoCost k = cost(s, c, z);
            return k == null ? Double.NaN : k.perRoundTrip(k.cpuNanos);
        };
        pairTarget("(context) total CPU/rt jmio-edge ≤ 1.1 × C edge", "jmio-edge", "c-edge", 1.1, false, cpu);
        pairTarget("(context) total CPU/rt jmio-level ≤ 1.1 × C level", "jmio-level", "c-level", 1.1, false, cpu);
        pairTarget("(context) total CPU/rt jmio-level ≤ 1.0 × JDK (keys)", "jmio-level", "jdk-keys", 1.0, false, cpu);
        Metric calls = (s, c, z) -> {
            EchoCost k = cost(s, c, z);
            return k == null ? Double.NaN : k.syscalls();
        };
        pairTarget("syscalls/rt jmio-edge = C edge (ratio 0.95-1.05)", "jmio-edge", "c-edge", 1.05, false, calls);
        pairTarget("syscalls/rt jmio-edge = C edge (ratio 0.95-1.05)", "jmio-edge", "c-edge", 0.95, true, calls);
        pairTarget("syscalls/rt jmio-level = C level (ratio 0.95-1.05)", "jmio-level", "c-level", 1.05, false, calls);
        pairTarget("syscalls/rt jmio-level = C level (ratio 0.95-1.05)", "jmio-level", "c-level", 0.95, true, calls);
        double r = score(micro("JmioPollBenchmark", "pollNothingReady", null))
                / score(micro("NettyEpollBenchmark", "pollNothingReady", null));
        target("poll with nothing ready ≤ 1.05 × Netty's raw epollWait", "jmio/Netty = " + ratio(r), r <= 1.05, r);
        r = score(micro("JmioPollBenchmark", "pollOneReady", "10000")) / score(micro("JmioPollBenchmark", "pollOneReady", "1"));
        target("10,000 idle fds cost the same as 1 (≤ 1.10 ×, noise allowance)", "10000/1 = " + ratio(r), r <= 1.10, r);
        double worst = 0;
        String worstName = "";
        int count = 0;
        for (Result x : results) {
            if (x.clazz.startsWith("Jmio") && !Double.isNaN(x.allocNorm)) {
                count++;
                if (x.allocNorm > worst) {
                    worst = x.allocNorm;
                    worstName = x.method + x.params;
                }
            }
        }
        for (String s : new String[] {"jmio-edge", "jmio-level", "jmio-oneshot", "uring-edge", "uring-level", "uring-oneshot",
            "uring-completion", "uring-completion-bufring"}) {
            for (int size : SIZES) {
                for (int c : CONNECTIONS) {
                    EchoCost k = cost(s, c, size);
                    if (k != null && k.allocated >= 0) {
                        count++;
                        double perRt = k.perRoundTrip(k.allocated);
                        if (perRt > worst) {
                            worst = perRt;
                            worstName = s + " " + c + "×" + size(size) + " (loop thread)";
                        }
                    }
                }
            }
        }
        target("0 B/op for every jmio benchmark (< 0.5 B/op: JMH's own noise is ~0.01)",
                count == 0 ? "no data" : "worst " + num(worst, 3) + " B/op (" + worstName + ") over " + count + " runs",
                count > 0 && worst < 0.5, count == 0 ? Double.NaN : worst);
        for (String[] t : targets) {
            md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
        }
    }

    /**
     * The user-CPU target on ticks pooled over all cells of each server (more ticks, less quantisation
     * than any one cell; the cells' mixes of round trips differ a little between servers).
     */
    private void pooledUserTarget(String a, String b, double bound) {
        long[] ta = pooled(a);
        long[] tb = pooled(b);
        if (ta[1] == 0 || tb[1] == 0 || tb[0] == 0) {
            target("  same, pooled over all cells", "no data", false, Double.NaN);
            return;
        }
        double r = ((double) ta[0] / ta[1]) / ((double) tb[0] / tb[1]);
        target("  same, pooled over all cells (" + a + " " + ta[0] + " user ticks, " + b + " " + tb[0] + ")",
                ratio(r), r <= bound, r);
    }

    /** @return {user ticks, round trips} summed over every cell of {@code server} */
    private long[] pooled(String server) {
        long ticks = 0;
        long trips = 0;
        for (int size : SIZES) {
            for (int c : CONNECTIONS) {
                EchoCost k = cost(server, c, size);
                if (k != null) {
                    ticks += k.userTicks;
                    trips += k.roundTrips;
                }
            }
        }
        return new long[] {ticks, trips};
    }

    /** A per-cell metric of the echo benchmark. */
    interface Metric {
        double value(String server, int connections, int size);
    }

    private void pairTarget(String name, String a, String b, double bound, boolean atLeast, Metric metric) {
        double worst = Double.NaN;
        String where = "";
        int cells = 0;
        List<Double> all = new ArrayList<>();
        for (int size : SIZES) {
            for (int c : CONNECTIONS) {
                double r = metric.value(a, c, size) / metric.value(b, c, size);
                if (Double.isNaN(r) || Double.isInfinite(r)) {
                    continue;
                }
                cells++;
                all.add(r);
                if (Double.isNaN(worst) || (atLeast ? r < worst : r > worst)) {
                    worst = r;
                    where = c + " conns × " + size(size);
                }
            }
        }
        boolean ok = !Double.isNaN(worst) && (atLeast ? worst >= bound : worst <= bound);
        all.sort(null);
        double median = all.isEmpty() ? Double.NaN
                : all.size() % 2 == 1 ? all.get(all.size() / 2) : (all.get(all.size() / 2 - 1) + all.get(all.size() / 2)) / 2;
        target(name, cells == 0 ? "no data" : "worst " + ratio(worst) + " (" + where + "), median " + ratio(median)
                + ", " + cells + " cells", ok, worst);
    }

    private void target(String name, String measured, boolean ok, double value) {
        targets.add(new String[] {name, measured, Double.isNaN(value) ? "no data" : ok ? "met" : "**short**"});
    }

    static String size(int bytes) {
        return bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    static String rate(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
