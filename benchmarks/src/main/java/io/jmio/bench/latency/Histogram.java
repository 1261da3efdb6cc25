package io.jmio.bench.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A latency histogram as the C load client writes it: log-linear buckets (64 per power of two, so
 * a bucket is at most 1/64 of its value wide), one line {@code lower-ns width-ns count} per non-empty
 * bucket, in increasing order. Percentiles are reported as the bucket's upper edge (never below the
 * true value, as HdrHistogram's "highest equivalent value").
 *
 * <p>Threading: immutable after {@link #read}.
 */
public final class Histogram {
    private final long[] lower;
    private final long[] width;
    private final long[] count;
    private final long total;

    private Histogram(long[] lower, long[] width, long[] count) {
        this.lower = lower;
        this.width = width;
        this.count = count;
        long t = 0;
        for (long c : count) {
            t += c;
        }
        this.total = t;
    }

    /**
     * @param file a histogram file
     * @return its buckets
     * @throws IOException if it cannot be read or is malformed
     */
    public static Histogram read(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        long[] lo = new long[lines.size()];
        long[] w = new long[lines.size()];
        long[] c = new long[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length != 3) {
                throw new IOException(file + ": line " + (i + 1) + " is not 'lower width count'");
            }
            lo[i] = Long.parseLong(f[0]);
            w[i] = Long.parseLong(f[1]);
            c[i] = Long.parseLong(f[2]);
        }
        return new Histogram(lo, w, c);
    }

    /** @return the number of recorded values */
    public long total() {
        return total;
    }

    /**
     * @param percentile 0 to 100
     * @return the smallest bucket upper edge at or below which {@code percentile} % of the values lie,
     *         in nanoseconds; NaN if empty
     */
    public double valueAt(double percentile) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < count.length; i++) {
            seen += count[i];
            if (seen >= rank) {
                return lower[i] + width[i] - 1;
            }
        }
        return lower[count.length - 1] + width[count.length - 1] - 1;
    }
}
