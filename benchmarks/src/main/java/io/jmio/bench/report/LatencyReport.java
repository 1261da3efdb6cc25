package io.jmio.bench.report;

import io.jmio.bench.echo.EchoServer;
import io.jmio.bench.echo.ThreadStat;
import io.jmio.bench.latency.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@code ./bench latency}: closed-loop throughput from the C client beside the JMH
 * client's (when the directory, or the run directory it lies in, has a {@code jmh.json}), open-loop latency percentiles per server and
 * offered rate with the server JVM's GC, safepoint and JIT activity, the profiles' CPU breakdown,
 * and the targets; plus {@code latency.svg} ({@link PercentileChart}).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jmio.bench.report.LatencyReport <results-dir> <command>}
 *
 * <p>Threading: a command-line program; single-threaded.
 */
public final class LatencyReport {
    static final String[] PERCENTILES = {"50", "90", "99", "99.9", "99.99"};

    /** One line of {@code latency.tsv}, by field name. */
    static final class Run {
        final Map<String, String> f = new LinkedHashMap<>();

        String s(String k) {
            return f.getOrDefault(k, "");
        }

        double d(String k) {
            try {
                double v = Double.parseDouble(s(k));
                return v < 0 ? Double.NaN : v;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    final List<Run> runs = new ArrayList<>();
    final Map<String, Histogram> histograms = new LinkedHashMap<>();
    private final Path dir;
    private final Map<String, double[]> jmh = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();

    LatencyReport(Path dir) throws IOException {
        this.dir = dir;
        List<String> lines = Files.readAllLines(dir.resolve("latency.tsv"));
        String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split("\t");
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] v = line.split("\t");
            Run r = new Run();
            for (int i = 0; i < header.length && i < v.length; i++) {
                r.f.put(header[i], v[i]);
            }
            runs.add(r);
            if (r.s("kind").equals("open")) {
                histograms.put(r.s("server") + "|" + r.s("label"), Histogram.read(dir.resolve(r.s("histogram"))));
            }
        }
        // ./bench completion and smoke put latency/ inside the run whose JMH results cover the same cells.
        Path jmhHere = dir.resolve("jmh.json");
        Path parent = dir.toAbsolutePath().getParent();
        loadJmh(Files.exists(jmhHere) || parent == null ? jmhHere : parent.resolve("jmh.json"));
    }

    /**
     * @param args results directory and the command that produced it
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        LatencyReport r = new LatencyReport(dir);
        r.write(args.length > 1 ? String.join(" ", List.of(args).subList(1, args.length)) : "?");
        System.out.println("report: " + dir.resolve("report.md") + ", chart: " + dir.resolve("latency.svg"));
    }

    @SuppressWarnings("unchecked")
    private void loadJmh(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (Object o : (List<Object>) Json.parse(Files.readString(file))) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (!String.valueOf(r.get("benchmark")).endsWith("EchoBenchmark.echo")) {
                continue;
            }
            Map<String, Object> p = (Map<String, Object>) r.get("params");
            Map<String, Object> m = (Map<String, Object>) r.get("primaryMetric");
            int c = Integer.parseInt(String.valueOf(p.get("connections")));
            jmh.put(p.get("server") + "|" + c + "|" + p.get("size"), new double[] {
                number(m.get("score")) * c, number(m.get("scoreError")) * c});
        }
    }

    private static double number(Object o) {
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    List<String> servers() {
        List<String> out = new ArrayList<>();
        for (String s : EchoServer.NAMES) {
            for (Run r : runs) {
                if (r.s("server").equals(s) && !out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    List<String> openLabels() {
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            if (r.s("kind").equals("open") && !out.contains(r.s("label"))) {
                out.add(r.s("label"));
            }
        }
        return out;
    }

    Run find(String kind, String server, String label) {
        for (Run r : runs) {
            if (r.s("kind").equals(kind) && r.s("server").equals(server) && r.s("label").equals(label)) {
                return r;
            }
        }
        return null;
    }

    /** @return the open-loop percentile in microseconds, NaN if missing */
    double percentile(String server, String label, double p) {
        Histogram h = histograms.get(server + "|" + label);
        return h == null ? Double.NaN : h.valueAt(p) / 1000.0;
    }

    double closed(String server, int conns) {
        Run r = find("closed", server, "closed-" + conns);
        return r == null ? Double.NaN : r.d("per_s");
    }

    double jmh(String server, int conns, int size) {
        double[] v = jmh.get(server + "|" + conns + "|" + size);
        return v == null ? Double.NaN : v[0];
    }

    void write(String command) throws IOException {
        md.append("# jmio latency report\n\n- Mode: `latency`; command: `").append(command).append("`\n");
        Path notes = dir.resolve("notes.txt");
        if (Files.exists(notes)) {
            for (String line : Files.readAllLines(notes)) {
                if (!line.isBlank()) {
                    md.append("- Note: ").append(line).append('\n');
                }
            }
        }
        md.append("- Files: `latency.tsv` (every run), `hist/` (histograms), `profiles/` (flame graphs), "
                + "`latency.svg` (percentile plot)").append(jmh.isEmpty() ? "" : ", `jmh.json` (the JMH client's runs)")
                .append("\n");
        if (runs.isEmpty()) {
            md.append("\nNo runs (see the notes).\n");
        } else {
            closedSection();
            openSection();
            profileSection();
            targetSection();
        }
        Files.writeString(dir.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("latency.svg"), new PercentileChart(this).render(), StandardCharsets.UTF_8);
    }

    private int[] closedConns() {
        List<Integer> out = new ArrayList<>();
        for (Run r : runs) {
            if (r.s("kind").equals("closed") && r.s("label").startsWith("closed-")) {
                int c = Integer.parseInt(r.s("conns"));
                if (!out.contains(c)) {
                    out.add(c);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int size() {
        return runs.isEmpty() ? 64 : Integer.parseInt(runs.get(0).s("size"));
    }

    private void closedSection() {
        int[] cs = closedConns();
        int size = size();
        md.append("\n## Closed loop: the C client beside the JMH client (round trips per second, ")
                .append(Report.size(size)).append(")\n\n");
        md.append("C client: `c_load_client.c`, one message in flight per connection, one thread, epoll; its CPU per round "
                + "trip is the last column (the JMH client costs about as much as a server). Loop CPU/rt and syscalls/rt "
                + "are the server loop's over the C client's run; run-queue ns/rt is how long the loop was runnable but waiting for a CPU. JMH: `EchoBenchmark` in the same `bench` run, ± its "
                + "score error (99.9 %).\n\n| server |");
        for (int c : cs) {
            md.append(" C client ").append(c).append(" |");
        }
        for (int c : cs) {
            md.append(" JMH ").append(c).append(" |");
        }
        for (int c : cs) {
            md.append(" loop CPU ns/rt ").append(c).append(" | run-queue ns/rt ").append(c).append(" | syscalls/rt ")
                    .append(c).append(" |");
        }
        md.append(" client CPU ns/rt ").append(cs.length > 0 ? cs[0] : 0).append(" |\n|---|");
        md.append("---:|".repeat(cs.length * 5 + 1)).append('\n');
        for (String s : servers()) {
            md.append("| ").append(s).append(" |");
            for (int c : cs) {
                md.append(' ').append(Report.rate(closed(s, c))).append(" |");
            }
            for (int c : cs) {
                double[] v = jmh.get(s + "|" + c + "|" + size);
                md.append(' ').append(v == null ? "—" : Report.rate(v[0]) + " ± " + Report.rate(v[1])).append(" |");
            }
            for (int c : cs) {
                Run r = find("closed", s, "closed-" + c);
                double sent = r == null ? Double.NaN : r.d("sent");
                md.append(' ').append(Report.num(r == null ? Double.NaN : r.d("loop_cpu_ns") / sent, 0)).append(" | ")
                        .append(Report.num(r == null ? Double.NaN : r.d("loop_runq_ns") / sent, 0)).append(" | ")
                        .append(Report.num(r == null ? Double.NaN : r.d("loop_syscalls") / sent, 2)).append(" |");
            }
            Run r = cs.length == 0 ? null : find("closed", s, "closed-" + cs[0]);
            md.append(' ').append(Report.num(r == null ? Double.NaN : r.d("client_cpu_us") * 1000 / r.d("sent"), 0))
                    .append(" |\n");
        }
        md.append("\n### jmio / C from both clients (higher favours jmio)\n\n| pair |");
        for (int c : cs) {
            md.append(" C client ").append(c).append(" |");
        }
        for (int c : cs) {
            md.append(" JMH ").append(c).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(cs.length * 2)).append('\n');
        for (String[] pair : PAIRS) {
            md.append("| ").append(pair[0]).append(" / ").append(pair[1]).append(" |");
            for (int c : cs) {
                md.append(' ').append(Report.ratio(closed(pair[0], c) / closed(pair[1], c))).append(" |");
            }
            for (int c : cs) {
                md.append(' ').append(Report.ratio(jmh(pair[0], c, size) / jmh(pair[1], c, size))).append(" |");
            }
            md.append('\n');
        }
    }

    static final String[][] PAIRS = {{"jmio-edge", "c-edge"}, {"jmio-level", "c-level"}, {"jmio-oneshot", "c-level"},
        {"jmio-example", "c-edge"}};

    private void openSection() {
        md.append("\n## Open loop: latency at fixed offered rates (µs, from each message's intended send time)\n\n");
        md.append("Coordinated omission corrected: a message's latency runs from when the schedule meant to send it, so "
                + "a stall is charged to every message it delayed. Percentiles are bucket upper edges (≤ 1.6 % high). "
                + "GC: collections and their pause time in the server JVM during the run (warm-up included); "
                + "safepoints: count and total time; JIT: compilation time (ms); loop run-queue: how long the server's loop thread (C: the process) was runnable but waiting for a CPU (`schedstat`), the scheduler's share. Late: messages the client itself sent "
                + "more than 100 µs after their intended time (a loaded client; they still count from the intended "
                + "time), and the worst lateness.\n");
        for (String label : openLabels()) {
            Run any = null;
            for (Run r : runs) {
                if (r.s("label").equals(label)) {
                    any = r;
                    break;
                }
            }
            md.append("\n### ").append(label.replace("open-", "")).append(" % of C's maximum: ")
                    .append(Report.rate(any.d("offered_per_s"))).append(" messages/s over ").append(any.s("conns"))
                    .append(" connections\n\n| server | achieved/s |");
            for (String p : PERCENTILES) {
                md.append(" p").append(p).append(" |");
            }
            md.append(" max | GC n / ms | safepoints n / ms | JIT ms | loop run-queue ms | late / worst ms |\n|---|")
                    .append("---:|".repeat(PERCENTILES.length + 7)).append('\n');
            for (String s : servers()) {
                Run r = find("open", s, label);
                if (r == null) {
                    continue;
                }
                md.append("| ").append(s).append(" | ").append(Report.rate(r.d("per_s"))).append(" |");
                for (String p : PERCENTILES) {
                    md.append(' ').append(micros(percentile(s, label, Double.parseDouble(p)))).append(" |");
                }
                Histogram h = histograms.get(s + "|" + label);
                md.append(' ').append(micros(h == null ? Double.NaN : h.valueAt(100) / 1000.0)).append(" | ")
                        .append(pair(r.d("gc_count"), r.d("gc_ms"))).append(" | ")
                        .append(pair(r.d("safepoints"), r.d("safepoint_ms"))).append(" | ")
                        .append(Report.num(r.d("jit_ms"), 0)).append(" | ")
                        .append(Report.num(r.d("loop_runq_ns") / 1e6, 0)).append(" | ")
                        .append(Report.num(r.d("late_sends"), 0)).append(" / ")
                        .append(Report.num(r.d("max_send_lateness_ns") / 1e6, 1)).append(" |\n");
            }
        }
    }

    private static String pair(double n, double ms) {
        return Double.isNaN(n) ? "—" : Report.num(n, 0) + " / " + Report.num(ms, 0);
    }

    static String micros(double us) {
        if (Double.isNaN(us)) {
            return "—";
        }
        return us >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000) : String.format(Locale.ROOT, "%.0f", us);
    }

    private void profileSection() throws IOException {
        Path profiles = dir.resolve("profiles");
        if (!Files.isDirectory(profiles)) {
            return;
        }
        md.append("\n## Where each loop's CPU goes (async-profiler, itimer, one closed-loop cell)\n\n");
        md.append("Self time by the leaf frame of each sample of the loop thread (C: the process); `itimer` cannot see "
                + "kernel frames, so a sample inside a system call counts as \"kernel\". Flame graphs: "
                + "`profiles/<server>.html` (self-contained). rt/s is the throughput under the profiler.\n\n| server | samples | rt/s |");
        for (String c : ProfileBreakdown.CATEGORIES) {
            md.append(' ').append(c).append(" % |");
        }
        md.append("\n|---|---:|---:|").append("---:|".repeat(ProfileBreakdown.CATEGORIES.length)).append('\n');
        for (String s : servers()) {
            Path f = profiles.resolve(s + ".collapsed");
            if (!Files.exists(f)) {
                continue;
            }
            ProfileBreakdown b = ProfileBreakdown.read(f, ThreadStat.LOOP_THREAD_NAME);
            Run r = find("profile", s, "profile");
            md.append("| [").append(s).append("](profiles/").append(s).append(".html) | ").append(b.total).append(" | ")
                    .append(Report.rate(r == null ? Double.NaN : r.d("per_s"))).append(" |");
            for (String c : ProfileBreakdown.CATEGORIES) {
                md.append(' ').append(Report.num(b.percent(c), 1)).append(" |");
            }
            md.append('\n');
        }
    }

    private void targetSection() {
        md.append("\n## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        String label = "open-50";
        double c = percentile("c-edge", label, 99.9);
        double j = percentile("jmio-edge", label, 99.9);
        target("open-loop p99.9 at 50 %: jmio-edge ≤ 1.1 × c-edge", Report.ratio(j / c) + " (" + micros(j) + " vs "
                + micros(c) + ")", j / c <= 1.1, j / c);
        for (String other : new String[] {"jdk-keys", "jdk-consumer", "netty-edge", "netty-level"}) {
            double o = percentile(other, label, 99.9);
            target("open-loop p99.9 at 50 %: jmio-edge < " + other, micros(j) + " vs " + micros(o), j < o, j / o);
        }
        int[] cs = closedConns();
        for (String[] pair : new String[][] {{"jmio-edge", "c-edge"}, {"jmio-level", "c-level"}, {"jmio-example", "c-edge"}}) {
            for (int n : cs) {
                double r = closed(pair[0], n) / closed(pair[1], n);
                target("C client, closed loop, " + n + " conns: " + pair[0] + " ≥ 0.97 × " + pair[1], Report.ratio(r),
                        r >= 0.97, r);
            }
        }
        for (String[] t : targets) {
            md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
        }
    }

    private void target(String name, String measured, boolean ok, double value) {
        targets.add(new String[] {name, measured, Double.isNaN(value) || Double.isInfinite(value) ? "no data"
                : ok ? "met" : "**short**"});
    }
}
