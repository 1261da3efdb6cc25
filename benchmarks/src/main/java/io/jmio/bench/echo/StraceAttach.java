package io.jmio.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * {@code strace -c -p <tid>} attached to one server's event-loop thread for the strace mode of the
 * {@code bench} script: counts that thread's system calls only. Deliberately without {@code -f}:
 * with {@code -p}, {@code -f} attaches every thread of the process, which would mix the client's
 * (the JMH thread's) calls in. The C server has one thread, so the two are the same for it. The
 * summary goes to a file, followed by a {@code roundtrips <n>} line for the report.
 *
 * <p>Threading: confined to the benchmark thread.
 */
public final class StraceAttach {
    private final Process strace;
    private final Path output;

    private StraceAttach(Process strace, Path output) {
        this.strace = strace;
        this.output = output;
    }

    /**
     * Attaches and waits until strace says it is attached.
     *
     * @param tid    the thread (or single-threaded process) to trace
     * @param output where the summary goes
     * @return the running strace
     * @throws IOException if strace is missing or cannot attach (ptrace not permitted)
     */
    public static StraceAttach attach(long tid, Path output) throws IOException {
        Files.createDirectories(output.getParent());
        Process p = new ProcessBuilder("strace", "-c", "-p", Long.toString(tid), "-o", output.toString()).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        if (line == null || !line.contains("attached")) {
            p.destroyForcibly();
            throw new IOException("strace could not attach to " + tid + ": " + line);
        }
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // strace's "detached" message; nothing to keep
                }
            } catch (IOException e) {
                // strace ended
            }
        }, "strace-stderr");
        drain.setDaemon(true);
        drain.start();
        return new StraceAttach(p, output);
    }

    /**
     * Detaches (strace writes its summary on SIGTERM) and records the round trips of the window.
     *
     * @param roundTrips round trips completed while attached
     * @throws IOException if strace does not finish
     */
    public void detach(long roundTrips) throws IOException {
        strace.destroy();
        try {
            if (!strace.waitFor(30, TimeUnit.SECONDS)) {
                strace.destroyForcibly();
                throw new IOException("strace did not detach within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while detaching strace", e);
        }
        Files.writeString(output, "roundtrips " + roundTrips + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
