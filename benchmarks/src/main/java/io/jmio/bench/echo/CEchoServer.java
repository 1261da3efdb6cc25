package io.jmio.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * The C baseline: {@code c_echo_server.c} (a resource of this module) compiled with
 * {@code gcc -O2} on first use into {@code ${java.io.tmpdir}/jmio-bench-c/<hash>/}, run as a child
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
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "gcc"))) {
                return null;
            }
        }
        return "gcc not found on PATH: the C echo server cannot be compiled, so the c-edge and c-level runs are skipped";
    }

    static CEchoServer start(boolean edge) throws IOException {
        Path binary = compile();
        Path dir = binary.getParent();
        Path countersFile = Files.createTempFile(dir, "counters", ".bin");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(binary.toString(), edge ? "edge" : "level", countersFile.toString())
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
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

    private static synchronized Path compile() throws IOException {
        String cause = unavailabilityCause();
        if (cause != null) {
            throw new IOException(cause);
        }
        byte[] source;
        try (InputStream in = CEchoServer.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SOURCE + " missing from the benchmarks jar");
            }
            source = in.readAllBytes();
        }
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "jmio-bench-c", hash(source));
        Path binary = dir.resolve("c_echo_server");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path src = dir.resolve(SOURCE);
        Files.write(src, source);
        Path tmp = dir.resolve("c_echo_server.tmp" + ProcessHandle.current().pid());
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", tmp.toString(), src.toString())
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IOException("gcc failed to compile " + src + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling " + src, e);
        }
        Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return binary;
    }

    private static String hash(byte[] bytes) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
                sb.append(String.format("%02x", b));
            }
            return sb.substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
