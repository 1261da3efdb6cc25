package io.jmio.poll.uring;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.CompletionBackend;

import java.io.IOException;

/**
 * The io_uring completion backend, found by {@link java.util.ServiceLoader}:
 * {@code CompletionQueue.open("io_uring")}. Available where {@link UringBackend} is (Linux 6.0 or
 * later, io_uring allowed), the same probe deciding; multishot accept (5.19), cancellation by
 * descriptor (5.19), provided buffer rings (5.19) and multishot receive (6.0) fall inside that. A
 * kernel that refuses the buffer-ring registration all the same ({@code EINVAL}) makes
 * {@code bufferRing} throw {@link UnsupportedOperationException} saying so.
 *
 * <p>Threading: thread-safe; stateless.
 */
public final class UringCompletionBackend implements CompletionBackend {
    /** For {@link java.util.ServiceLoader}. */
    public UringCompletionBackend() {
    }

    @Override
    public String name() {
        return UringBackend.NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    @Override
    public Throwable unavailabilityCause() {
        return new UringBackend().unavailabilityCause();
    }

    @Override
    public CompletionQueue open(int entries) throws IOException {
        return UringCompletionQueue.create(entries);
    }
}
