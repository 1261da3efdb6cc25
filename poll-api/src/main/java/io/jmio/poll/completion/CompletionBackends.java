package io.jmio.poll.completion;

import io.jmio.poll.spi.CompletionBackend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The completion backends on the class path ({@link ServiceLoader} of {@link CompletionBackend}) and
 * the choice among them that {@link CompletionQueue#open()} and its overloads make, with the reasons
 * named when none fits.
 *
 * <p>Threading: thread-safe; stateless (each call loads the backends afresh).
 */
final class CompletionBackends {
    private CompletionBackends() {
    }

    /** @return a queue of {@code entries} on the first backend available here */
    static CompletionQueue openFirst(int entries) throws IOException {
        StringBuilder why = new StringBuilder();
        for (CompletionBackend b : backends()) {
            Throwable cause = b.supportsCurrentOs() ? b.unavailabilityCause()
                    : new UnsupportedOperationException("not for " + System.getProperty("os.name"));
            if (cause == null) {
                return b.open(entries);
            }
            why.append("; ").append(b.name()).append(": ").append(cause.getMessage());
        }
        throw new IOException("no completion backend is available" + (why.length() == 0
                ? " on the class path (add io.jmio:poll-epoll for io_uring)" : why.toString()));
    }

    /** @return a queue of {@code entries} on the backend named {@code backendName}, case-insensitive */
    static CompletionQueue open(String backendName, int entries) throws IOException {
        Objects.requireNonNull(backendName, "backendName");
        List<String> seen = new ArrayList<>();
        for (CompletionBackend b : backends()) {
            seen.add(b.name());
            if (b.name().equalsIgnoreCase(backendName)) {
                Throwable cause = b.unavailabilityCause();
                if (cause != null) {
                    throw new IOException("completion backend '" + b.name() + "' is unavailable: " + cause.getMessage(), cause);
                }
                return b.open(entries);
            }
        }
        throw new IOException("no completion backend named '" + backendName.toLowerCase(Locale.ROOT) + "'; found " + seen);
    }

    private static List<CompletionBackend> backends() {
        List<CompletionBackend> found = new ArrayList<>();
        ServiceLoader.load(CompletionBackend.class, CompletionQueue.class.getClassLoader()).forEach(found::add);
        return found;
    }
}
