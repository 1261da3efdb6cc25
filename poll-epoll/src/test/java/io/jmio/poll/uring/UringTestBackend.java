package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.spi.PollBackend;

/**
 * The io_uring backend for tests, or a skipped test (a JUnit assumption naming the cause) where the
 * kernel forbids or lacks io_uring: never a silent pass.
 *
 * <p>Threading: stateless.
 */
public final class UringTestBackend {
    private UringTestBackend() {
    }

    /** @return the backend, after assuming it is available */
    public static PollBackend available() {
        UringBackend backend = new UringBackend();
        Throwable cause = backend.unavailabilityCause();
        assumeTrue(cause == null, () -> "io_uring is unavailable here, test skipped: " + cause);
        return backend;
    }
}
