package io.jmio.bench.echo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Reads one Linux thread's CPU time from {@code /proc}: {@code schedstat} for on-CPU nanoseconds,
 * {@code stat} for the user/system split in clock ticks. The same source for the Java loop threads
 * and the C server, so their numbers compare.
 *
 * <p>Threading: immutable; reading is safe from any thread.
 */
public final class ThreadStat {
    /** Nanoseconds per clock tick ({@code USER_HZ} is 100 on Linux x86_64 and arm64). */
    public static final long NANOS_PER_TICK = 10_000_000L;
    /** The thread name every Java echo server gives its loop thread, found in {@code /proc} by it. */
    public static final String LOOP_THREAD_NAME = "echo-loop";

    private final Path stat;
    private final Path schedstat;
    private final long tid;

    private ThreadStat(Path dir) {
        this.tid = Long.parseLong(dir.getFileName().toString());
        this.stat = dir.resolve("stat");
        this.schedstat = dir.resolve("schedstat");
    }

    /**
     * @param pid a single-threaded process
     * @return its statistics
     */
    public static ThreadStat ofProcess(long pid) {
        return new ThreadStat(Paths.get("/proc", Long.toString(pid)));
    }

    /**
     * Finds the thread of this JVM whose name starts with {@link #LOOP_THREAD_NAME}.
     *
     * @return its statistics
     * @throws IOException if there is none, or more than one
     */
    public static ThreadStat ofLoopThread() throws IOException {
        return ofLoopThread(ManagementFactory.getRuntimeMXBean().getPid());
    }

    /**
     * Finds the thread of process {@code pid} (a child JVM: {@code netty-uring}) whose name starts with
     * {@link #LOOP_THREAD_NAME}.
     *
     * @param pid the process
     * @return its loop thread's statistics
     * @throws IOException if there is none, or more than one
     */
    public static ThreadStat ofLoopThread(long pid) throws IOException {
        // A new thread names itself in the kernel when it starts running: give it a moment.
        for (int attempt = 0; ; attempt++) {
            try {
                return findLoopThread(pid);
            } catch (IOException e) {
                if (attempt == 200) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static ThreadStat findLoopThread(long pid) throws IOException {
        Path found = null;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String comm;
                try {
                    comm = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.US_ASCII).trim();
                } catch (IOException gone) {
                    continue; // the thread ended while we looked
                }
                if (comm.startsWith(LOOP_THREAD_NAME)) {
                    if (found != null) {
                        throw new IOException("two threads named " + LOOP_THREAD_NAME + "*: " + found + " and " + task);
                    }
                    found = task;
                }
            }
        }
        if (found == null) {
            throw new IOException("no thread named " + LOOP_THREAD_NAME + "* in /proc/" + pid + "/task");
        }
        return new ThreadStat(found);
    }

    /** @return the kernel's id of the thread (of the process, for a single-threaded one) */
    public long tid() {
        return tid;
    }

    /**
     * Fills the CPU fields of {@code sample}.
     *
     * @param sample where to put them
     * @throws IOException if {@code /proc} cannot be read (the thread ended)
     */
    public void read(LoopSample sample) throws IOException {
        String sched = new String(Files.readAllBytes(schedstat), StandardCharsets.US_ASCII).trim();
        String[] times = sched.split(" ");
        sample.cpuNanos = Long.parseLong(times[0]);
        sample.runQueueNanos = Long.parseLong(times[1]);
        String line = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
        // Field 2 (comm) may hold spaces; count fields after its closing parenthesis (field 3 onwards).
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        sample.userTicks = Long.parseLong(f[14 - 3]);
        sample.systemTicks = Long.parseLong(f[15 - 3]);
    }
}
