package io.jmio.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * Compiles one of this module's C programs (a resource next to the class that uses it) with
 * {@code gcc -O2 -Wall} on first use, into {@code ${java.io.tmpdir}/jmio-bench-c/<hash of the source>/},
 * where later runs find it again.
 *
 * <p>Threading: thread-safe ({@link #compile} is synchronized; the binary appears by an atomic move).
 */
public final class CCompiler {
    private CCompiler() {
    }

    /** @return null if gcc is on the PATH, else why the C programs cannot run */
    public static String unavailabilityCause() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "gcc"))) {
                return null;
            }
        }
        return "gcc not found on PATH: the C programs (echo server, load client) cannot be compiled";
    }

    /**
     * @param owner  the class next to which the source is a resource
     * @param source the source's resource name, e.g. {@code c_echo_server.c}
     * @return the executable
     * @throws IOException if gcc is missing or fails
     */
    public static synchronized Path compile(Class<?> owner, String source) throws IOException {
        String cause = unavailabilityCause();
        if (cause != null) {
            throw new IOException(cause);
        }
        byte[] bytes;
        try (InputStream in = owner.getResourceAsStream(source)) {
            if (in == null) {
                throw new IOException("resource " + source + " missing from the benchmarks jar");
            }
            bytes = in.readAllBytes();
        }
        String name = source.substring(0, source.lastIndexOf('.'));
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "jmio-bench-c", hash(bytes));
        Path binary = dir.resolve(name);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path src = dir.resolve(source);
        Files.write(src, bytes);
        Path tmp = dir.resolve(name + ".tmp" + ProcessHandle.current().pid());
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
}
