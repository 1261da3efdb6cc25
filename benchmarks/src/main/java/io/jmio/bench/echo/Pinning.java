package io.jmio.bench.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Optional CPU pinning for the echo benchmark ({@code -Djmio.bench.pin=true}, {@code BENCH_PIN=1} in
 * the {@code bench} script): the client (JMH) thread on CPU 0 and the server's loop thread (or the C
 * process) on CPU 1, with {@code taskset -p}. Off by default: on a 2-core machine shared with other
 * work, a pinned thread cannot escape a busy core.
 *
 * <p>Threading: stateless; call from the benchmark thread.
 */
public final class Pinning {
    /** System property that turns pinning on. */
    public static final String PROPERTY = "jmio.bench.pin";

    private Pinning() {
    }

    /** @return true if pinning was asked for */
    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * Pins the calling thread to CPU 0 and {@code serverTid} to CPU 1.
     *
     * @param serverTid the server loop's kernel thread id
     * @throws IOException if taskset is missing or fails
     */
    public static void pinClientAndServer(long serverTid) throws IOException {
        String self = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString();
        long clientTid = Long.parseLong(self.substring(self.lastIndexOf('/') + 1));
        taskset(clientTid, 0);
        taskset(serverTid, 1);
    }

    private static void taskset(long tid, int cpu) throws IOException {
        Process p = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(cpu), Long.toString(tid))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("taskset -p -c " + cpu + " " + tid + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pinning", e);
        }
    }
}
