package io.jmio.bench.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Percentiles from the C client's bucket format: ranks, bucket upper edges, the maximum. */
class HistogramTest {

    @Test
    void percentilesShouldBeTheUpperEdgeOfTheBucketHoldingTheRank(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("h.tsv");
        // 90 values in [1000, 1016), 9 in [5000, 5064), 1 in [1,000,000, 1,016,384).
        Files.writeString(f, "1000\t16\t90\n5000\t64\t9\n1000000\t16384\t1\n");
        Histogram h = Histogram.read(f);
        assertEquals(100, h.total());
        assertEquals(1015, h.valueAt(50));
        assertEquals(1015, h.valueAt(90));
        assertEquals(5063, h.valueAt(90.5));
        assertEquals(5063, h.valueAt(99));
        assertEquals(1016383, h.valueAt(99.9));
        assertEquals(1016383, h.valueAt(100));
        assertEquals(1015, h.valueAt(0), "p0 is the first value's bucket");
    }

    @Test
    void anEmptyHistogramHasNoPercentilesAndAMalformedOneIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("h.tsv");
        Files.writeString(f, "");
        assertTrue(Double.isNaN(Histogram.read(f).valueAt(50)));
        Files.writeString(f, "1000 16 3\n");
        assertThrows(IOException.class, () -> Histogram.read(f));
    }
}
