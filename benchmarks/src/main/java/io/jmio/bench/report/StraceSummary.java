package io.jmio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code strace -c} summary as the strace mode leaves it: strace's table, then a line
 * {@code roundtrips <n>} appended by the benchmark.
 *
 * <p>Threading: immutable after {@link #read(Path)}.
 */
final class StraceSummary {
    long roundTrips;
    long total;
    final List<String> names = new ArrayList<>();
    final List<Long> calls = new ArrayList<>();

    /**
     * @param file a summary
     * @return it parsed, or null if it holds no table
     * @throws IOException if it cannot be read
     */
    static StraceSummary read(Path file) throws IOException {
        StraceSummary s = new StraceSummary();
        boolean table = false;
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            if (t.startsWith("roundtrips ")) {
                s.roundTrips = Long.parseLong(t.substring(11).trim());
                continue;
            }
            if (t.startsWith("% time")) {
                table = true;
                continue;
            }
            if (!table || t.startsWith("---") || t.isEmpty()) {
                continue;
            }
            String[] f = t.split("\\s+");
            String name = f[f.length - 1];
            if (name.equals("total") || f.length < 5) {
                continue;
            }
            long n = Long.parseLong(f[3]);
            s.names.add(name);
            s.calls.add(n);
            s.total += n;
        }
        return s.names.isEmpty() ? null : s;
    }

    /**
     * @param roundTrips the divisor
     * @return the calls per round trip of the biggest entries, e.g. {@code read 2.00, write 1.00}
     */
    String top(long roundTrips) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size() && i < 5; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ')
                    .append(roundTrips == 0 ? "?" : String.format(Locale.ROOT, "%.2f", (double) calls.get(i) / roundTrips));
        }
        return sb.toString();
    }
}
