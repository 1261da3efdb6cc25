package io.jmio.bench.latency;

import io.jmio.bench.echo.CCompiler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The driver of {@code ./bench latency}: for every server, one {@link LatencyHost} JVM (all started
 * at once), and in turn over all of them: a closed-loop warm-up, closed-loop runs at each connection
 * count, open-loop runs at each offered rate, and a profile. {@code c-edge} goes first, whether listed or not: its closed-loop
 * maximum at the open-loop connection count fixes the offered rates, the same absolute rates for
 * every server ({@code fraction × maximum}). Writes {@code latency.tsv} ({@link LatencyHost#FIELDS}),
 * the histograms and the profiles under the output directory; without gcc it writes a note and no runs.
 *
 * <p>Usage: {@code LatencyBench <out-dir> <servers,...> <conns> <size> <warmup-ms> <measure-ms>
 * <fractions,...> <closed-conns,...> <profile-ms>} (profile-ms 0: no profiles). The host JVMs get
 * the options in the system property {@code jmio.latency.jvmArgs} (space-separated) after their own.
 *
 * <p>Threading: a command-line program; single-threaded.
 */
public final class LatencyBench {
    private static final String[] HOST_JVM = {"-Xms256m", "-Xmx1g", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports", "java.management/sun.management=ALL-UNNAMED"};

    private final Path out;
    private final int conns;
    private final int size;
    private final long warmupMs;
    private final long measureMs;
    private final double[] fractions;
    private final int[] closedConns;
    private final long profileMs;
    private final Path tsv;

    private LatencyBench(String[] a) {
        out = Paths.get(a[0]);
        conns = Integer.parseInt(a[2]);
        size = Integer.parseInt(a[3]);
        warmupMs = Long.parseLong(a[4]);
        measureMs = Long.parseLong(a[5]);
        fractions = Arrays.stream(a[6].split(",")).mapToDouble(Double::parseDouble).toArray();
        closedConns = Arrays.stream(a[7].split(",")).mapToInt(Integer::parseInt).toArray();
        profileMs = Long.parseLong(a[8]);
        tsv = out.resolve("latency.tsv");
    }

    /**
     * @param args see the class comment
     * @throws IOException if a host fails (the run fails: exit status 1)
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 9) {
            System.err.println("usage: LatencyBench <out-dir> <servers,...> <conns> <size> <warmup-ms> <measure-ms> "
                    + "<fractions,...> <closed-conns,...> <profile-ms>");
            System.exit(2);
        }
        LatencyBench bench = new LatencyBench(args);
        Files.createDirectories(bench.out);
        Files.writeString(bench.tsv, LatencyHost.FIELDS + "\n", StandardCharsets.UTF_8);
        String cause = CCompiler.unavailabilityCause();
        if (cause != null) {
            bench.note("latency: skipped: " + cause + " (the load client is C)");
            return;
        }
        Set<String> servers = new LinkedHashSet<>();
        servers.add("c-edge");
        servers.addAll(Arrays.asList(args[1].split(",")));
        String profilerCause = LoopProfiler.unavailabilityCause();
        if (bench.profileMs > 0 && profilerCause != null) {
            bench.note("profiles: skipped: " + profilerCause);
        }
        try {
            bench.runAll(new ArrayList<>(servers), profilerCause == null);
        } catch (IOException e) {
            System.err.println("latency: FAILED: " + e.getMessage());
            System.exit(1);
        }
    }

    /** One server's host JVM and the pipe to it. */
    private final class Host implements AutoCloseable {
        final String server;
        final Process process;
        final BufferedReader from;
        final Writer to;

        Host(String server) throws IOException {
            this.server = server;
            List<String> cmd = new ArrayList<>();
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(Arrays.asList(HOST_JVM));
            String extra = System.getProperty("jmio.latency.jvmArgs", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(Arrays.asList(extra.split(" +")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LatencyHost.class.getName(), server,
                    out.toString()));
            System.err.println("latency: starting " + server);
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            to = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            expect(from, server, "READY");
        }

        String[] command(String command) throws IOException {
            System.err.println("latency:   " + server + ": " + command);
            to.write(command + "\n");
            to.flush();
            String line = expect(from, server, "RESULT\t");
            String fields = line.substring("RESULT\t".length());
            Files.writeString(tsv, fields + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return fields.split("\t");
        }

        /** Sends {@code quit}: the host verifies every byte once more and exits. */
        void quit() throws IOException {
            to.write("quit\n");
            to.flush();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException(server + ": the host did not stop cleanly (final verification failed?)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /**
     * Every server's host runs at once (idle ones wait on a pipe), and each kind of run goes round all
     * servers before the next: on a shared machine a burst of other work then hits one run of several
     * servers rather than every run of one.
     */
    private void runAll(List<String> servers, boolean profile) throws IOException {
        List<Host> hosts = new ArrayList<>();
        try {
            for (String server : servers) {
                Host h = new Host(server);
                hosts.add(h);
                h.command("closed " + conns + " " + size + " 0 " + warmupMs + " warmup");
            }
            double max = Double.NaN;
            for (int c : closedConns) {
                for (Host h : hosts) {
                    String[] r = h.command("closed " + c + " " + size + " 0 " + measureMs + " closed-" + c);
                    if (c == conns && h.server.equals("c-edge")) {
                        max = Double.parseDouble(r[6]);
                    }
                }
            }
            if (Double.isNaN(max)) {
                String[] r = hosts.get(0).command("closed " + conns + " " + size + " 0 " + measureMs + " closed-" + conns);
                max = Double.parseDouble(r[6]);
            }
            double[] rates = new double[fractions.length];
            for (int i = 0; i < fractions.length; i++) {
                rates[i] = Math.round(fractions[i] * max);
            }
            note(String.format(Locale.ROOT, "offered rates: %s of c-edge's closed-loop maximum at %d connections "
                    + "(%.0f round trips/s): %s messages/s, the same for every server", Arrays.toString(fractions), conns,
                    max, Arrays.toString(rates)));
            for (int i = 0; i < rates.length; i++) {
                String label = "open-" + Math.round(fractions[i] * 100);
                for (Host h : hosts) {
                    // Up to a second at the offered rate before the window: connections set up, the loop at pace.
                    h.command("open " + conns + " " + size + " " + Math.min(1000, warmupMs) + " " + measureMs + " "
                            + rates[i] + " " + label);
                }
            }
            if (profile && profileMs > 0) {
                for (Host h : hosts) {
                    h.command("profile " + conns + " " + size + " " + profileMs);
                }
            }
            for (Host h : hosts) {
                h.quit();
            }
        } finally {
            for (Host h : hosts) {
                h.close();
            }
        }
    }

    private static String expect(BufferedReader from, String server, String prefix) throws IOException {
        String line;
        while ((line = from.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException(line);
            }
        }
        throw new IOException(server + ": the host ended before answering");
    }

    private void note(String line) throws IOException {
        System.err.println(line);
        Files.writeString(out.resolve("notes.txt"), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
