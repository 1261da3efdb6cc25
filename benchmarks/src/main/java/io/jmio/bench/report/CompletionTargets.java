package io.jmio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The report section for issue 16's targets of the completion API, per connection count. The completion
 * figure of each cell is, for each figure apart (CPU, counted system calls, strace's), the better of
 * {@code uring-completion} (a recv per message) and {@code uring-completion-bufring} (multishot receives
 * from a buffer ring), where both ran, named beside it: both are the same API, two ways of using it.
 * Targets: the echo loop's CPU per round trip ≤ 0.8 × the C epoll server's level-triggered mode
 * ({@code c-level}); system calls per round trip ≤ 0.5; and at least equal to Netty 4.2's io_uring
 * transport on both (the better of {@code netty-uring} and {@code netty-uring-bufring} in each cell, where
 * both ran). CPU is the loop thread's on-CPU time ({@code schedstat}, exact, not tick-sampled). System
 * calls: the absolute target takes the server's own count, else the strace summary
 * ({@code strace/<server>-<n>conns-<size>B.txt}); the comparison with Netty, which counts none, takes both
 * from strace summaries.
 *
 * <p>Threading: confined to the report's thread.
 */
final class CompletionTargets {
    static final String[] SERVERS = {"uring-completion", "uring-completion-bufring"};
    static final String C_BEST = "c-level";
    static final String[] NETTY = {"netty-uring", "netty-uring-bufring"};
    static final int[] CONNECTIONS = {16, 256};

    private final Report report;
    private final Path straceDir;

    CompletionTargets(Report report, Path dir) {
        this.report = report;
        this.straceDir = dir.resolve("strace");
    }

    /** @return {@code strace -c}'s system calls per round trip of {@code server} in that cell, or NaN */
    double straced(String server, int connections, int size) throws IOException {
        Path f = straceDir.resolve(server + "-" + connections + "conns-" + size + "B.txt");
        StraceSummary s = Files.isRegularFile(f) ? StraceSummary.read(f) : null;
        return s == null || s.roundTrips == 0 ? Double.NaN : (double) s.total / s.roundTrips;
    }

    /** @return the server's own count per round trip in that cell (exact, not slowed by strace), else strace's */
    double syscalls(String server, int connections, int size) throws IOException {
        double counted = report.perRoundTrip(server, connections, size, false);
        return Double.isNaN(counted) ? straced(server, connections, size) : counted;
    }

    /** The figures a server is picked by. */
    enum Figure { CPU, COUNTED, STRACED }

    /** @return {@code server}'s {@code figure} per round trip in that cell, or NaN */
    double figure(String server, int connections, int size, Figure figure) throws IOException {
        switch (figure) {
            case CPU:
                return report.perRoundTrip(server, connections, size, true);
            case COUNTED:
                return syscalls(server, connections, size);
            default:
                return straced(server, connections, size);
        }
    }

    /** @return the one of {@code servers} with the lowest {@code figure} per round trip there, or null if none has it */
    String best(String[] servers, int connections, int size, Figure figure) throws IOException {
        String best = null;
        double bestValue = Double.NaN;
        for (String n : servers) {
            double v = figure(n, connections, size, figure);
            if (!Double.isNaN(v) && (best == null || v < bestValue)) {
                best = n;
                bestValue = v;
            }
        }
        return best;
    }

    /** @return the Netty 4.2 server with the lower CPU ({@code cpu}) or strace count per round trip there, or null */
    String nettyBest(int connections, int size, boolean cpu) throws IOException {
        return best(NETTY, connections, size, cpu ? Figure.CPU : Figure.STRACED);
    }

    /** @return {@code figure} of the better completion server in that cell, or NaN */
    private double mine(int connections, int size, Figure figure) throws IOException {
        String s = best(SERVERS, connections, size, figure);
        return s == null ? Double.NaN : figure(s, connections, size, figure);
    }

    /** @return " (server)", naming the better completion server for {@code figure} there, or "" */
    private String which(int connections, int size, Figure figure) throws IOException {
        String s = best(SERVERS, connections, size, figure);
        return s == null ? "" : " (" + s + ")";
    }

    /** @return the section, or "" if the run has no completion cell at 16 or 256 connections */
    String render() throws IOException {
        List<int[]> cells = new ArrayList<>();
        for (int c : CONNECTIONS) {
            for (int size : Report.SIZES) {
                if (best(SERVERS, c, size, Figure.CPU) != null || best(SERVERS, c, size, Figure.COUNTED) != null) {
                    cells.add(new int[] {c, size});
                }
            }
        }
        if (cells.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append("\n## Completion API targets (issue 16)\n\n");
        md.append("jmio's completion API (in each cell and for each figure the better of `uring-completion`, a recv per "
                + "message, and `uring-completion-bufring`, multishot receives from a buffer ring, where both ran: named "
                + "in the CPU column and beside each count) against `c-level` (the C epoll server's best mode) and Netty "
                + "4.2 io_uring (in each cell and for each figure the better of `netty-uring` and `netty-uring-bufring`). "
                + "CPU = the loop thread's on-CPU ns per round trip (`schedstat`). System calls per round trip: for the "
                + "absolute target the server's own count (one `io_uring_enter` per reap: exact, and not slowed by "
                + "strace, which changes how many completions each call finds), else `strace -c`; against Netty, which "
                + "counts nothing, both from `strace -c` of the loop thread (the strace run).\n\n");
        md.append("| conns | size | c-level CPU ns/rt | completion (CPU) | completion CPU ns/rt | completion/C | Netty 4.2 (CPU) | Netty CPU ns/rt "
                + "| completion/Netty CPU | completion calls/rt counted | completion calls/rt strace | Netty calls/rt strace "
                + "| completion/Netty calls (strace) |\n");
        md.append("|---|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (int[] cell : cells) {
            int c = cell[0];
            int size = cell[1];
            String mineByCpu = best(SERVERS, c, size, Figure.CPU);
            double mine = mine(c, size, Figure.CPU);
            double cLevel = report.perRoundTrip(C_BEST, c, size, true);
            String netty = nettyBest(c, size, true);
            double nettyCpu = netty == null ? Double.NaN : report.perRoundTrip(netty, c, size, true);
            String nettyByCalls = nettyBest(c, size, false);
            double nettyCalls = nettyByCalls == null ? Double.NaN : straced(nettyByCalls, c, size);
            double myStraced = mine(c, size, Figure.STRACED);
            md.append("| ").append(c).append(" | ").append(Report.size(size)).append(" | ")
                    .append(Report.num(cLevel, 0)).append(" | ").append(mineByCpu == null ? "—" : mineByCpu).append(" | ")
                    .append(Report.num(mine, 0)).append(" | ")
                    .append(Report.ratio(mine / cLevel)).append(" | ").append(netty == null ? "—" : netty).append(" | ")
                    .append(Report.num(nettyCpu, 0)).append(" | ").append(Report.ratio(mine / nettyCpu)).append(" | ")
                    .append(Report.num(mine(c, size, Figure.COUNTED), 2)).append(which(c, size, Figure.COUNTED)).append(" | ")
                    .append(Report.num(myStraced, 2)).append(which(c, size, Figure.STRACED)).append(" | ")
                    .append(Report.num(nettyCalls, 2)).append(nettyByCalls == null ? "" : " (" + nettyByCalls + ")")
                    .append(" | ").append(Report.ratio(myStraced / nettyCalls)).append(" |\n");
        }
        md.append("\n| target | conns | measured (per size) | verdict |\n|---|---|---|---|\n");
        for (int c : CONNECTIONS) {
            row(md, "loop CPU/rt ≤ 0.8 × c-level", c, cells, 0.8, (n, z) ->
                    mine(n, z, Figure.CPU) / report.perRoundTrip(C_BEST, n, z, true));
            row(md, "system calls/rt ≤ 0.5", c, cells, 0.5, (n, z) -> mine(n, z, Figure.COUNTED));
            row(md, "loop CPU/rt ≤ 1.0 × Netty 4.2 io_uring", c, cells, 1.0, (n, z) -> {
                String netty = nettyBest(n, z, true);
                return netty == null ? Double.NaN
                        : mine(n, z, Figure.CPU) / report.perRoundTrip(netty, n, z, true);
            });
            row(md, "system calls/rt ≤ 1.0 × Netty 4.2 io_uring (strace)", c, cells, 1.0, (n, z) -> {
                String netty = nettyBest(n, z, false);
                return netty == null ? Double.NaN : mine(n, z, Figure.STRACED) / straced(netty, n, z);
            });
        }
        return md.toString();
    }

    /** A cell's value for one target: a ratio, or a count for the absolute bound. */
    private interface Value {
        double of(int connections, int size) throws IOException;
    }

    private static void row(StringBuilder md, String name, int connections, List<int[]> cells, double bound, Value value)
            throws IOException {
        StringBuilder measured = new StringBuilder();
        double worst = Double.NaN;
        for (int[] cell : cells) {
            if (cell[0] != connections) {
                continue;
            }
            double v = value.of(cell[0], cell[1]);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            measured.append(measured.length() == 0 ? "" : ", ").append(Report.ratio(v)).append(" (")
                    .append(Report.size(cell[1])).append(')');
            worst = Double.isNaN(worst) ? v : Math.max(worst, v);
        }
        md.append("| ").append(name).append(" | ").append(connections).append(" | ")
                .append(measured.length() == 0 ? "no data" : measured).append(" | ")
                .append(Double.isNaN(worst) ? "no data" : worst <= bound ? "met" : "**short**").append(" |\n");
    }
}
