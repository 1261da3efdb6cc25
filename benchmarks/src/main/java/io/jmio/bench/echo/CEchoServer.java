package io.jmio.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The C baseline: {@code c_echo_server.c} (a resource of this module) compiled by {@link CCompiler}
 * on first use, run as a child
 * process. It counts its own system calls in a shared memory-mapped file that this class reads; its
 * CPU time comes from {@code /proc/<pid>/stat} and {@code schedstat} (it has one thread).
 *
 * <p>Threading: the public methods may be called from one thread.
 */
public final class CEchoServer implements EchoServer {
    private static final String SOURCE = "c_echo_server.c";

    private final Process process;
    private final int port;
    private final Path countersFile;
    private final MappedByteBuffer counters;
    private final ThreadStat stat;
    private final Path stderr;

    private CEchoServer(Process process, int port, Path countersFile, MappedByteBuffer counters, Path stderr) {
        this.process = process;
        this.port = port;
        this.countersFile = countersFile;
        this.counters = counters;
        this.stat = ThreadStat.ofProcess(process.pid());
        this.stderr = stderr;
    }

    /** @return null if gcc is on the PATH, else why the C server cannot run */
    public static String unavailabilityCause() {
        return CCompiler.unavailabilityCause();
    }

    static CEchoServer start(boolean edge) throws IOException {
        return start(edge, Map.of());
    }

    /**
     * @param edge        edge-triggered (else level)
     * @param environment added to the child's environment (the profiler preloads itself through it)
     * @return the running server
     * @throws IOException if it cannot be compiled or started
     */
    public static CEchoServer start(boolean edge, Map<String, String> environment) throws IOException {
        Path binary = CCompiler.compile(CEchoServer.class, SOURCE);
        Path dir = binary.getParent();
        Path countersFile = Files.createTempFile(dir, "counters", ".bin");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), edge ? "edge" : "level", countersFile.toString())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            for (int skipped = 0; line != null && !line.startsWith("PORT ") && skipped < 10; skipped++) {
                line = out.readLine(); // a preloaded profiler announces itself first
            }
            if (line == null || !line.startsWith("PORT ")) {
                throw new IOException("C echo server did not report its port (got " + line + "); stderr: "
                        + Files.readString(stderr));
            }
            int port = Integer.parseInt(line.substring(5).trim());
            MappedByteBuffer counters;
            try (FileChannel ch = FileChannel.open(countersFile, StandardOpenOption.READ)) {
                counters = ch.map(FileChannel.MapMode.READ_ONLY, 0, 64);
            }
            counters.order(ByteOrder.nativeOrder());
            return new CEchoServer(process, port, countersFile, counters, stderr);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public long loopTid() {
        return stat.tid();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void sample(LoopSample sample) throws IOException {
        if (!process.isAlive()) {
            throw new IOException("C echo server exited with " + process.exitValue() + "; stderr: " + Files.readString(stderr));
        }
        stat.read(sample);
        sample.waits = counters.getLong(0);
        sample.reads = counters.getLong(8);
        sample.writes = counters.getLong(16);
        sample.controls = counters.getLong(24);
        sample.allocatedBytes = LoopSample.UNKNOWN;
    }

    @Override
    public void close() throws IOException {
        boolean diedEarly = !process.isAlive();
        process.destroy(); // SIGTERM: the loop ends after its current epoll_wait
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("C echo server did not stop within 10 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        String errors = Files.readString(stderr);
        Files.deleteIfExists(countersFile);
        Files.deleteIfExists(stderr);
        if (diedEarly) {
            throw new IOException("C echo server exited early with " + process.exitValue() + ": " + errors);
        }
    }
}
