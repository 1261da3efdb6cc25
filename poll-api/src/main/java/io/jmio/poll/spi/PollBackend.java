package io.jmio.poll.spi;

import java.io.IOException;

/**
 * A backend, found by {@link java.util.ServiceLoader}: tells whether it fits the running OS and opens
 * {@link Selector}s.
 *
 * <p>Availability is probed once, when the backend class loads its native library, and reported by
 * {@link #unavailabilityCause()} rather than at the first call, as Netty's {@code Epoll.isAvailable()}.
 *
 * <p>Threading: implementations are immutable and thread-safe.
 */
public interface PollBackend {
    /** @return the backend's name: {@code epoll}, {@code kqueue}, {@code iocp} or {@code io_uring} */
    String name();

    /** @return true if this backend is the natural one for the running OS */
    boolean supportsCurrentOs();

    /**
     * Orders the backends that support the running OS when {@code Poll.open()} picks one: the highest
     * priority wins, ties go to the name first in alphabetical order, so the choice never depends on
     * the class path order. The default backends (epoll, kqueue, IOCP) keep 0; an alternative for the
     * same OS (io_uring on Linux) returns less, and is chosen by name.
     *
     * @return this backend's priority; 0 unless overridden
     */
    default int priority() {
        return 0;
    }

    /** @return why this backend cannot run here, or {@code null} if it can */
    Throwable unavailabilityCause();

    /**
     * @return a new selector: a kernel event queue of this backend
     * @throws IOException if the kernel refuses to create it
     */
    Selector openSelector() throws IOException;
}
