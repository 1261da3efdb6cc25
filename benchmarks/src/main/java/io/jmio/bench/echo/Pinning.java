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
 * work, a pinned thread cannot escape a busy core. One-connection cells are always pinned, both
 * threads to one CPU ({@link #pinTogether}): with one message in flight the two threads only take
 * turns, and unpinned the cell measured the scheduler's placement (195k against 70k round trips/s for
 * two servers doing the same work).
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
        taskset(selfTid(), 0);
        taskset(serverTid, 1);
    }

    /**
     * Pins the calling thread and {@code serverTid} to the same CPU, the last one: the two take turns
     * on it, so a one-connection cell measures a whole round trip (client and server work, no
     * cross-core wake-up) instead of where the scheduler happened to put two threads.
     *
     * @param serverTid the server loop's kernel thread id (the C server's process id)
     * @return the CPU both run on
     * @throws IOException if taskset is missing or fails
     */
    public static int pinTogether(long serverTid) throws IOException {
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        taskset(selfTid(), cpu);
        taskset(serverTid, cpu);
        return cpu;
    }

    private static long selfTid() throws IOException {
        String self = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString();
        return Long.parseLong(self.substring(self.lastIndexOf('/') + 1));
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
