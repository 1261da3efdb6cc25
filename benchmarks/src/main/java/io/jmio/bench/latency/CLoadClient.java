package io.jmio.bench.latency;

import io.jmio.bench.echo.CCompiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code c_load_client.c} (compiled by {@link CCompiler} on first use) against an echo server on
 * the loopback address and returns its summary: closed loop (one message in flight per connection,
 * round trips per second) or open loop (a fixed offered rate, latency from each message's intended
 * send time). The histogram goes to a file {@link Histogram#read} reads.
 *
 * <p>Threading: stateless; each call runs one client process and waits for it.
 */
public final class CLoadClient {
    private static final String SOURCE = "c_load_client.c";

    private CLoadClient() {
    }

    /**
     * @param port        the echo server's loopback port
     * @param open        open loop (else closed)
     * @param connections connections to open
     * @param size        message size, at least 8 bytes (the sequence number)
     * @param warmupMs    load before the measurement window, not recorded
     * @param measureMs   the measurement window
     * @param rate        offered messages per second over all connections (open loop only)
     * @param histogram   where the client writes the window's latency histogram
     * @return the summary's {@code KEY value} lines as numbers (keys as in the C source)
     * @throws IOException if the client fails (a wrong byte, a closed connection), with its stderr
     */
    public static Map<String, Double> run(int port, boolean open, int connections, int size, long warmupMs,
                                          long measureMs, double rate, Path histogram) throws IOException {
        Path binary = CCompiler.compile(CLoadClient.class, SOURCE);
        Path err = Files.createTempFile("jmio-load-client", ".err");
        try {
            Process p = new ProcessBuilder(binary.toString(), Integer.toString(port), open ? "open" : "closed",
                    Integer.toString(connections), Integer.toString(size), Long.toString(warmupMs),
                    Long.toString(measureMs), String.format(java.util.Locale.ROOT, "%.1f", rate), histogram.toString())
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            boolean done = p.waitFor(warmupMs + measureMs + 30_000, TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("the load client did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the load client failed (exit " + p.exitValue() + "): " + Files.readString(err).trim());
            }
            Map<String, Double> summary = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    try {
                        summary.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1).trim()));
                    } catch (NumberFormatException word) {
                        summary.put(line.substring(0, sp), Double.NaN); // MODE open|closed
                    }
                }
            }
            return summary;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the load client ran", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
