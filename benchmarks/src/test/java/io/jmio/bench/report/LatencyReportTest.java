package io.jmio.bench.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.bench.latency.LatencyHost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The latency report's tables, ratios from both clients and verdicts, on hand-made runs. */
class LatencyReportTest {

    @Test
    void reportShouldComputePercentilesRatiosAndVerdicts(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("hist"));
        StringBuilder tsv = new StringBuilder(LatencyHost.FIELDS).append('\n');
        tsv.append(run("closed", "c-edge", "closed-16", 100000, -1)).append(run("closed", "jmio-edge", "closed-16", 96000, -1));
        // c-edge: p99.9 in the 100 µs bucket; jmio-edge in the 105 µs one (1.05 ×: met); jdk-keys 2 ms.
        tsv.append(run("open", "c-edge", "open-50", 50000, 0)).append(run("open", "jmio-edge", "open-50", 50000, 0))
                .append(run("open", "jdk-keys", "open-50", 50000, 2));
        Files.writeString(dir.resolve("hist/c-edge-open-50.tsv"), "10000\t128\t9990\n99840\t1024\t10\n");
        Files.writeString(dir.resolve("hist/jmio-edge-open-50.tsv"), "10000\t128\t9990\n104448\t1024\t10\n");
        Files.writeString(dir.resolve("hist/jdk-keys-open-50.tsv"), "10000\t128\t9990\n1998848\t32768\t10\n");
        Files.writeString(dir.resolve("latency.tsv"), tsv.toString());
        LatencyReport.main(new String[] {dir.toString(), "./bench", "test"});
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| jmio-edge / c-edge | 0.96 |"), md);
        assertTrue(md.contains("| C client, closed loop, 16 conns: jmio-edge ≥ 0.97 × c-edge | 0.96 | **short** |"), md);
        assertTrue(md.contains("| open-loop p99.9 at 50 %: jmio-edge ≤ 1.1 × c-edge | 1.05 (105 vs 101) | met |"), md);
        assertTrue(md.contains("| open-loop p99.9 at 50 %: jmio-edge < jdk-keys | 105 vs 2.03 ms | met |"), md);
        assertTrue(md.contains("| jdk-keys | 50.0k | 10 | 10 | 10 | 2.03 ms |"), md);
        assertTrue(md.contains("| 2 / 7 | 1 / 0 | 3 | 2 | 0 / 0.0 |"), "GC, safepoints, JIT, run queue, late: " + md);
        assertTrue(md.contains("| jmio-edge | 96.0k | — | 500 | 200 | 3.10 | 100 |"), "closed-loop costs per rt: " + md);
        String svg = Files.readString(dir.resolve("latency.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.contains("jmio-edge, open-50"), svg);
    }

    @Test
    void jmhColumnsShouldComeFromTheEnclosingRun(@TempDir Path run) throws Exception {
        // ./bench completion: latency/ inside the run directory whose jmh.json has the same cells.
        Path dir = run.resolve("latency");
        Files.createDirectories(dir.resolve("hist"));
        Files.writeString(dir.resolve("latency.tsv"), LatencyHost.FIELDS + "\n" + run("closed", "c-edge", "closed-16", 100000, -1));
        Files.writeString(run.resolve("jmh.json"), "[{\"benchmark\": \"io.jmio.bench.EchoBenchmark.echo\", "
                + "\"params\": {\"server\": \"c-edge\", \"connections\": \"16\", \"size\": \"64\"}, "
                + "\"primaryMetric\": {\"score\": 2000.0, \"scoreError\": 100.0, \"scoreUnit\": \"ops/s\"}}]");
        LatencyReport.main(new String[] {dir.toString(), "./bench", "completion"});
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| c-edge | 100.0k | 32.0k ± 1.6k |"), "JMH 16: 2,000 ops/s × 16 connections: " + md);
    }

    private static String run(String kind, String server, String label, double perS, int gcs) {
        return String.join("\t", kind, server, "16", "64", label, kind.equals("open") ? "50000.0" : "0.0",
                Double.toString(perS), "10000", "10000", "0", "0", "0", "1000", "5000000", "2000000", "31000", "0",
                Integer.toString(gcs), gcs < 0 ? "-1" : "7", "1", "0", "3", "hist/" + server + "-" + label + ".tsv") + "\n";
    }
}
