package io.jmio.bench.latency;

import io.jmio.bench.echo.ThreadStat;

import one.profiler.AsyncProfiler;
import one.profiler.Counter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * async-profiler (Maven Central {@code tools.profiler:async-profiler}, its Linux library inside the
 * jar) on an echo server's loop, in {@code itimer} mode: CPU-time sampling by {@code setitimer}
 * signals, which works without hardware counters or {@code perf_event_open} (not available on this
 * VM); a sample taken inside a system call shows the libc wrapper as its leaf (kernel frames cannot
 * be seen in this mode). Java servers are profiled in-process with a thread filter that admits only
 * the loop thread; the C server is a separate process that preloads the library
 * ({@code LD_PRELOAD}, {@code ASPROF_COMMAND}) and writes its output when it exits.
 *
 * <p>Threading: one profile at a time per JVM (async-profiler is a process-wide singleton).
 */
final class LoopProfiler {
    /** The profiler's options for every run: CPU time, one sample per millisecond of it. */
    static final String EVENT = "event=itimer,interval=1ms";

    private LoopProfiler() {
    }

    /** @return why async-profiler cannot run here, or null */
    static String unavailabilityCause() {
        String os = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!os.equals("Linux/amd64") && !os.equals("Linux/aarch64")) {
            return "async-profiler's library is bundled for Linux x64 and arm64 only, not " + os;
        }
        return null;
    }

    /** Starts profiling the current JVM's loop thread (the one named {@value ThreadStat#LOOP_THREAD_NAME}). */
    static AsyncProfiler startJava() throws IOException {
        Thread loop = null;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(ThreadStat.LOOP_THREAD_NAME)) {
                loop = t;
            }
        }
        if (loop == null) {
            throw new IOException("no thread named " + ThreadStat.LOOP_THREAD_NAME + "* to profile");
        }
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        profiler.execute("start," + EVENT + ",threads,filter");
        profiler.addThread(loop);
        return profiler;
    }

    /** Stops {@code profiler} and writes {@code <base>.html} (flame graph) and {@code <base>.collapsed}. */
    static void stopJava(AsyncProfiler profiler, Path base) throws IOException {
        String collapsed = profiler.dumpCollapsed(Counter.SAMPLES);
        Files.writeString(Paths.get(base + ".collapsed"), collapsed, StandardCharsets.UTF_8);
        profiler.execute("stop,file=" + base + ".html,title=" + base.getFileName());
    }

    /**
     * @param output the file the preloaded profiler writes when the process exits (.html: a flame
     *               graph; .collapsed: one line per stack)
     * @return the environment that makes a C process profile itself from start to exit
     * @throws IOException if the library cannot be extracted
     */
    static Map<String, String> preload(Path output) throws IOException {
        String format = output.toString().endsWith(".collapsed") ? "collapsed," : "";
        return Map.of("LD_PRELOAD", library().toString(),
                "ASPROF_COMMAND", "start," + EVENT + "," + format + "file=" + output);
    }

    private static synchronized Path library() throws IOException {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        byte[] bytes;
        try (InputStream in = AsyncProfiler.class.getResourceAsStream("/" + arch + "/libasyncProfiler.so")) {
            if (in == null) {
                throw new IOException("async-profiler's " + arch + " library is missing from the jar");
            }
            bytes = in.readAllBytes();
        }
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "jmio-bench-c", "async-profiler");
        Path lib = dir.resolve("libasyncProfiler-" + bytes.length + ".so");
        if (!Files.isReadable(lib)) {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "lib", ".so");
            Files.write(tmp, bytes);
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return lib;
    }
}
