package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * The kqueue backend, found by {@link java.util.ServiceLoader}: {@code Poll.open()} picks it on macOS,
 * FreeBSD, OpenBSD and DragonFly. On NetBSD it is picked too, but says it is unsupported there (see
 * {@link #unsupported}).
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
        Throwable unsupported = unsupported(Platform.current());
        return unsupported != null ? unsupported : KqueueNative.unavailabilityCause();
    }

    /**
     * Why this backend cannot run on an OS at all, before any native library is touched.
     *
     * @param platform an OS
     * @return the reason, or null for macOS, FreeBSD, OpenBSD and DragonFly
     */
    static Throwable unsupported(Platform platform) {
        if (!platform.isBsd()) {
            return new UnsupportedOperationException("kqueue exists on macOS and the BSDs only, not on "
                    + System.getProperty("os.name"));
        }
        if (platform == Platform.NETBSD) {
            return new UnsupportedOperationException("jmio's kqueue backend does not support NetBSD: jffi, under "
                    + "jnr-ffi, ships no NetBSD stub library and cannot tell the OS apart, so no native call can be "
                    + "made there (NetBSD's kevent layout is kept, and tested over the emulation only)");
        }
        return null;
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
