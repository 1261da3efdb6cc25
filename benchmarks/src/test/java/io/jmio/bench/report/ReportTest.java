package io.jmio.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The report's JSON reader, strace parser, ratios and target verdicts on hand-made inputs. */
class ReportTest {

    @Test
    void jsonShouldReadJmhShapes() {
        Object v = Json.parse("[{\"a\": 1.5e3, \"b\": \"x\\\"y\\u00e9\", \"c\": [true, false, null], \"d\": {}}]");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals(1500.0, m.get("a"));
        assertEquals("x\"yé", m.get("b"));
        assertEquals(java.util.Arrays.asList(true, false, null), m.get("c"));
        assertTrue(((Map<?, ?>) m.get("d")).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
    }

    @Test
    void straceSummaryShouldCountCallsAndRoundTrips(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.txt");
        Files.writeString(f, "% time     seconds  usecs/call     calls    errors syscall\n"
                + "------ ----------- ----------- --------- --------- ----------------\n"
                + " 60.00    0.000600           3       200           write\n"
                + " 40.00    0.000400           1       300       100 read\n"
                + "------ ----------- ----------- --------- --------- ----------------\n"
                + "100.00    0.001000                   500       100 total\n"
                + "roundtrips 100\n");
        StraceSummary s = StraceSummary.read(f);
        assertEquals(500, s.total);
        assertEquals(100, s.roundTrips);
        assertEquals("write 2.00, read 3.00", s.top(100));
        Files.writeString(f, "roundtrips 3\n");
        assertNull(StraceSummary.read(f));
    }

    @Test
    void reportShouldComputeRoundTripsRatiosAndVerdicts(@TempDir Path dir) throws Exception {
        // jmio-edge 2,000 ops/s × 16 conns = 32,000 rt/s; c-edge 1,000 ops/s = 16,000 rt/s: ratio 2.00.
        Files.writeString(dir.resolve("jmh.json"), "[" + echo("jmio-edge", 2000, 0.1) + "," + echo("c-edge", 1000, Double.NaN)
                + "," + micro("JmioPollBenchmark", 110) + "," + micro("NettyEpollBenchmark", 100) + "]");
        Files.writeString(dir.resolve("echo-metrics.tsv"),
                "echo\tjmio-edge\t16\t64\t1000\t5000000\t100\t200\t100\t2000\t1000\t0\t0\n"
                        + "echo\tc-edge\t16\t64\t1000\t4000000\t50\t200\t100\t2000\t1000\t0\t-1\n");
        Report.main(new String[] {dir.toString(), "test", "./bench", "test"});
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| 64 B | 16 | 32.0k | — | — | 16.0k |"), md);
        assertTrue(md.contains("| 64 B | 16 | — | 2.00 |"), md);
        // CPU 5,000,000 ns / 1,000 rt; user 100 ticks × 10 ms / 1,000 rt; syscalls (100+2000+1000+0)/1000.
        assertTrue(md.contains("| 64 B | 16 | jmio-edge | 32.0k | 5000 | 1000000 | 2000000 | 100/200 | 3.10 |"), md);
        assertTrue(md.contains("| poll with nothing ready ≤ 1.05 × Netty's raw epollWait | jmio/Netty = 1.10 | **short** |"), md);
        assertTrue(md.contains("| syscalls/rt jmio-edge = C edge (ratio 0.95-1.05) | worst 1.00"), md);
        assertTrue(md.contains("| user CPU/rt jmio-edge ≤ 2 × C edge | worst 2.00 (16 conns × 64 B), median 2.00, 1 cells | met |"), md);
        String svg = Files.readString(dir.resolve("echo.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("<title>jmio-edge, 16 conns: 32.0k</title>"), svg);
        assertTrue(svg.contains("<title>± 1.6k</title>"), "JMH's score error (100 ops/s × 16) as an error bar: " + svg);
        assertTrue(svg.contains("<title>jmio-edge, 16 conns: 5000</title>"), "the CPU panel: 5,000 ns/rt: " + svg);
        assertTrue(svg.contains("<title>jmio-edge, 16 conns: 3.1</title>"), "the system-call panel: 3.1/rt: " + svg);
    }

    @Test
    void completionTargetsShouldBeStatedPerConnectionCount(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("jmh.json"), "[" + echo("uring-completion", 1000, Double.NaN) + "]");
        // 1,000 round trips each. 16 conns: completion 4,000 ns/rt, c-level 6,000, netty-uring 5,000, its
        // buffer-ring variant 4,500 (the better: the one compared); completion counts 300 reaps (0.30/rt).
        // 256 conns: completion 7,000 ns/rt against c-level's 6,000; its count (0.10/rt) decides the absolute
        // target, not its strace file (0.60/rt); Netty has no strace file there: no comparison. The buffer-ring
        // variant ran at 256 only: 5,000 ns/rt (the better CPU: it is the one compared for CPU) but 0.20 reaps/rt
        // (uring-completion's 0.10 stays the count compared), and no strace file.
        StringBuilder tsv = new StringBuilder();
        for (String[] row : new String[][] {{"uring-completion", "16", "4000000", "300"}, {"c-level", "16", "6000000", "2000"},
            {"netty-uring", "16", "5000000", "-1"}, {"netty-uring-bufring", "16", "4500000", "-1"},
            {"uring-completion", "256", "7000000", "100"}, {"c-level", "256", "6000000", "2000"},
            {"uring-completion-bufring", "256", "5000000", "200"}}) {
            String counts = row[3].equals("-1") ? "-1\t-1\t-1\t-1" : row[3] + "\t0\t0\t0";
            tsv.append("echo\t").append(row[0]).append('\t').append(row[1]).append("\t64\t1000\t").append(row[2])
                    .append("\t1\t1\t").append(counts).append("\t0\n");
        }
        Files.writeString(dir.resolve("echo-metrics.tsv"), tsv.toString());
        Files.createDirectories(dir.resolve("strace"));
        Files.writeString(dir.resolve("strace/netty-uring-bufring-16conns-64B.txt"), strace(400, 1000));
        Files.writeString(dir.resolve("strace/uring-completion-256conns-64B.txt"), strace(600, 1000));
        Files.writeString(dir.resolve("strace/uring-completion-16conns-64B.txt"), strace(200, 1000));
        Report.main(new String[] {dir.toString(), "completion", "./bench", "completion"});
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| 16 | 64 B | 6000 | uring-completion | 4000 | 0.67 | netty-uring-bufring | 4500 | 0.89 "
                + "| 0.30 (uring-completion) | 0.20 (uring-completion) | 0.40 (netty-uring-bufring) | 0.50 |"), md);
        assertTrue(md.contains("| 256 | 64 B | 6000 | uring-completion-bufring | 5000 | 0.83 | — | — | — "
                + "| 0.10 (uring-completion) | 0.60 (uring-completion) | — | — |"), md);
        assertTrue(md.contains("| loop CPU/rt ≤ 0.8 × c-level | 16 | 0.67 (64 B) | met |"), md);
        assertTrue(md.contains("| loop CPU/rt ≤ 0.8 × c-level | 256 | 0.83 (64 B) | **short** |"), md);
        assertTrue(md.contains("| system calls/rt ≤ 0.5 | 16 | 0.30 (64 B) | met |"), md);
        assertTrue(md.contains("| system calls/rt ≤ 0.5 | 256 | 0.10 (64 B) | met |"), md);
        assertTrue(md.contains("| loop CPU/rt ≤ 1.0 × Netty 4.2 io_uring | 16 | 0.89 (64 B) | met |"), md);
        assertTrue(md.contains("| system calls/rt ≤ 1.0 × Netty 4.2 io_uring (strace) | 16 | 0.50 (64 B) | met |"), md);
        assertTrue(md.contains("| loop CPU/rt ≤ 1.0 × Netty 4.2 io_uring | 256 | no data | no data |"), md);
    }

    private static String strace(long calls, long roundTrips) {
        return "% time     seconds  usecs/call     calls    errors syscall\n"
                + "------ ----------- ----------- --------- --------- ----------------\n"
                + "100.00    0.000600           3       " + calls + "           io_uring_enter\n"
                + "------ ----------- ----------- --------- --------- ----------------\n"
                + "roundtrips " + roundTrips + "\n";
    }

    private static String echo(String server, double score, double alloc) {
        return "{\"benchmark\": \"io.jmio.bench.EchoBenchmark.echo\", \"jdkVersion\": \"17\", \"vmName\": \"vm\", "
                + "\"vmVersion\": \"1\", \"params\": {\"server\": \"" + server + "\", \"connections\": \"16\", \"size\": \"64\"}, "
                + "\"primaryMetric\": {\"score\": " + score + ", \"scoreError\": " + score / 20 + ", \"scoreUnit\": \"ops/s\"}, "
                + "\"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": " + (Double.isNaN(alloc) ? "\"NaN\"" : alloc) + "}}}";
    }

    private static String micro(String clazz, double ns) {
        return "{\"benchmark\": \"io.jmio.bench." + clazz + ".pollNothingReady\", \"params\": {}, "
                + "\"primaryMetric\": {\"score\": " + ns + ", \"scoreError\": 1.0, \"scoreUnit\": \"ns/op\"}, "
                + "\"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": 0.01}}}";
    }
}
