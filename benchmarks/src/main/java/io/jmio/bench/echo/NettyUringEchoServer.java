package io.jmio.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Netty 4.2's io_uring transport, the Java anchor of the completion benchmarks ({@code netty-uring};
 * {@code netty-uring-bufring} with a provided buffer ring and multishot recv): {@code NettyUringEcho.java}
 * (a resource of this module) run in a child JVM with the JDK's single-file source launcher, against the
 * Netty 4.2 jars the build copies to {@code target/netty42/} (this module's class path has Netty 4.1 for
 * {@code netty-edge}/{@code netty-level}, and the two cannot share one). The child prints its port; its
 * event-loop thread is found by name in {@code /proc/<child>/task} ({@link ThreadStat#ofLoopThread(long)}),
 * whose CPU time is sampled as for the in-process servers and to which the strace mode attaches. Netty's
 * system calls are not counted by the server (the strace mode counts them); nor its loop's allocation.
 *
 * <p>The jar directory: system property {@value #DIR_PROPERTY}, else {@code netty42/} beside the
 * benchmarks jar (or beside {@code target/classes} in the module's tests). The child JVM gets
 * {@code -Xms256m -Xmx1g} (as the JMH forks), on JDK 24+ the native and unsafe access flags, and the
 * space-separated options of {@value #JVM_ARGS_PROPERTY}.
 *
 * <p>Threading: the public methods may be called from one thread.
 */
public final class NettyUringEchoServer implements EchoServer {
    /** System property: the directory of the Netty 4.2 jars. */
    public static final String DIR_PROPERTY = "jmio.bench.netty42";
    /** System property: extra options for the child JVM. */
    public static final String JVM_ARGS_PROPERTY = "jmio.bench.netty42.jvmArgs";
    private static final String SOURCE = "NettyUringEcho.java";

    private final Process process;
    private final int port;
    private final ThreadStat stat;
    private final Path stderr;
    private final BufferedReader from;
    private final Writer to;

    private NettyUringEchoServer(Process process, int port, Path stderr, BufferedReader from) throws IOException {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
        this.from = from;
        this.to = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stat = ThreadStat.ofLoopThread(process.pid());
    }

    /** @return null if the Netty 4.2 jars are where this class looks for them, else what is missing */
    public static String unavailabilityCause() {
        Path dir = jarDirectory();
        if (dir == null || !Files.isDirectory(dir)) {
            return "Netty 4.2 jars not found (" + dir + "; the benchmarks build copies them to target/netty42/, or set -D"
                    + DIR_PROPERTY + ")";
        }
        try (Stream<Path> jars = Files.list(dir)) {
            if (jars.noneMatch(p -> p.getFileName().toString().startsWith("netty-transport-native-io_uring"))) {
                return "no netty-transport-native-io_uring jar in " + dir;
            }
        } catch (IOException e) {
            return "cannot list " + dir + ": " + e;
        }
        return null;
    }

    /**
     * @param bufferRing a provided buffer ring and multishot recv (else Netty's default reads)
     * @return the running server
     * @throws IOException if the jars are missing or the child does not start (io_uring unavailable)
     */
    static NettyUringEchoServer start(boolean bufferRing) throws IOException {
        String cause = unavailabilityCause();
        if (cause != null) {
            throw new IOException(cause);
        }
        Path dir = Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir"), "jmio-bench-netty42"));
        Path source = dir.resolve(SOURCE);
        try (InputStream in = NettyUringEchoServer.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SOURCE + " missing from the benchmarks jar");
            }
            Path tmp = Files.createTempFile(dir, "source", ".java");
            Files.write(tmp, in.readAllBytes());
            Files.move(tmp, source, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xms256m", "-Xmx1g"));
        if (Runtime.version().feature() >= 24) {
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        String extra = System.getProperty(JVM_ARGS_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(Arrays.asList(extra.split(" +")));
        }
        cmd.addAll(List.of("-cp", jarDirectory().resolve("*").toString(), source.toString(), bufferRing ? "bufring" : "plain"));
        Process process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("Netty 4.2 io_uring echo server did not report its port (got " + line + "); stderr: "
                        + Files.readString(stderr));
            }
            return new NettyUringEchoServer(process, Integer.parseInt(line.substring(5).trim()), stderr, out);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            Files.deleteIfExists(stderr);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while starting the Netty 4.2 child", e);
        }
    }

    private static Path jarDirectory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isEmpty()) {
            return Paths.get(configured);
        }
        try {
            // target/benchmarks.jar or target/classes: the jars are in target/netty42.
            Path here = Paths.get(NettyUringEchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent() == null ? null : here.getParent().resolve("netty42");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
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
            throw new IOException("Netty 4.2 child exited with " + process.exitValue() + "; stderr: " + Files.readString(stderr));
        }
        stat.read(sample);
        sample.allocatedBytes = LoopSample.UNKNOWN;
    }

    /**
     * Starts async-profiler on the child's loop thread ({@code ./bench latency}'s profiles).
     *
     * @param base the profile's files without extension
     * @throws IOException if the child refuses
     */
    public void startProfile(Path base) throws IOException {
        command("profile " + base);
    }

    /**
     * Stops the profile, which the child writes to {@code <base>.html} and {@code <base>.collapsed}.
     *
     * @throws IOException if the child fails
     */
    public void stopProfile() throws IOException {
        command("stop");
    }

    private void command(String command) throws IOException {
        to.write(command + "\n");
        to.flush();
        String line = from.readLine();
        if (line == null || !line.equals("OK")) {
            throw new IOException("Netty 4.2 child: '" + command + "' answered " + line);
        }
    }

    @Override
    public void close() throws IOException {
        boolean diedEarly = !process.isAlive();
        try {
            to.close(); // end of input: the child closes its channels and exits
        } catch (IOException pipeGone) {
            // it died: reported below
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("Netty 4.2 child did not stop within 15 s of the end of its input");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        String errors = Files.readString(stderr);
        Files.deleteIfExists(stderr);
        if (diedEarly) {
            throw new IOException("Netty 4.2 child exited early with " + process.exitValue() + ": " + errors);
        }
    }
}
