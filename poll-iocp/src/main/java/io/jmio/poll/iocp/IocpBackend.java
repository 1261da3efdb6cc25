package io.jmio.poll.iocp;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * The IOCP backend, found by {@link java.util.ServiceLoader}: {@code Poll.open()} picks it on Windows.
 *
 * <p>Readiness comes from AFD polls completed through an I/O completion port, as in mio and wepoll
 * (see {@link IocpSelector}). Handles are Windows {@code SOCKET}s, registered through
 * {@link io.jmio.poll.SourceSocket}; {@link io.jmio.poll.SourceFd} is refused with an
 * {@link UnsupportedOperationException}.
 *
 * <p>Availability is decided once, when the native bindings load: on another OS nothing is loaded
 * and {@link #unavailabilityCause()} says so; on a 32-bit JVM, or where kernel32, ntdll or ws2_32
 * lack a symbol, it carries the loader's failure.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class IocpBackend implements PollBackend {
    /** The name {@code Poll.open(String)} knows this backend by. */
    public static final String NAME = "iocp";

    /** For {@link java.util.ServiceLoader}. */
    public IocpBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.WINDOWS;
    }

    @Override
    public Throwable unavailabilityCause() {
        return IocpNative.unavailabilityCause();
    }

    @Override
    public Selector openSelector() throws IOException {
        return new IocpSelector(IocpNative.INSTANCE);
    }
}
