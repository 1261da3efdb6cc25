package io.jmio.poll.epoll;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystemProvider;
import io.jmio.poll.posix.PosixSockets;

/**
 * Supplies Linux's socket system, the POSIX one shared with poll-api, to jmio's network types; registered by this module because it owns Linux (every Linux backend, epoll and io_uring, uses the same sockets).
 *
 * <p>Threading: immutable.
 */
public final class LinuxSocketsProvider implements SocketSystemProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public LinuxSocketsProvider() {
    }

    @Override
    public String name() {
        return "posix (linux)";
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    @Override
    public SocketSystem create() {
        return new PosixSockets();
    }
}
