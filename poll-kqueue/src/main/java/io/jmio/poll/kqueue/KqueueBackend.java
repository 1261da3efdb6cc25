package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * The kqueue backend, found by {@link java.util.ServiceLoader}: {@code Poll.open()} picks it on macOS,
 * FreeBSD, OpenBSD, NetBSD and DragonFly.
 *
 * <p>Availability is decided once, when the native binding loads: on another OS (Linux included) the
 * kqueue library is never loaded and {@link #unavailabilityCause()} says why; on a BSD whose libc
 * lacks the symbols, or on a 32-bit JVM, it says that instead. The {@code struct kevent} layout is
 * chosen then too (see {@link KqueueNative}).
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class KqueueBackend implements PollBackend {
    /** The name {@code Poll.open(String)} knows this backend by. */
    public static final String NAME = "kqueue";

    /** For {@link java.util.ServiceLoader}. */
    public KqueueBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current().isBsd();
    }

    @Override
    public Throwable unavailabilityCause() {
        if (!supportsCurrentOs()) {
            return new UnsupportedOperationException("kqueue exists on macOS and the BSDs only, not on "
                    + System.getProperty("os.name"));
        }
        return KqueueNative.unavailabilityCause();
    }

    @Override
    public Selector openSelector() throws IOException {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new IOException("the kqueue backend is unavailable: " + cause.getMessage(), cause);
        }
        return new KqueueSelector(KqueueNative.INSTANCE);
    }
}
