package io.jmio.poll.epoll;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * The epoll backend, found by {@link java.util.ServiceLoader}: {@code Poll.open()} picks it on Linux.
 *
 * <p>Availability is decided once, when the native bindings load: on another OS, or where libc or its
 * epoll symbols cannot be bound, {@link #unavailabilityCause()} says why and {@code Poll.open("epoll")}
 * fails with that cause.
 *
 * <p>Timeouts: a poll whose timeout has a fraction of a millisecond waits in {@code epoll_pwait2}
 * (nanoseconds; Linux 5.11 and glibc 2.35 or later); every other poll, and every poll where the C
 * library lacks the call or the kernel answers {@code ENOSYS}, waits in {@code epoll_wait} with the
 * timeout rounded up to whole milliseconds.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class EpollBackend implements PollBackend {
    /** The name {@code Poll.open(String)} knows this backend by. */
    public static final String NAME = "epoll";

    /** For {@link java.util.ServiceLoader}. */
    public EpollBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    @Override
    public Throwable unavailabilityCause() {
        if (!supportsCurrentOs()) {
            return new UnsupportedOperationException("epoll exists on Linux only, not on " + System.getProperty("os.name"));
        }
        return EpollNative.unavailabilityCause();
    }

    @Override
    public Selector openSelector() throws IOException {
        return new EpollSelector();
    }
}
