package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystemProvider;
import io.jmio.poll.posix.PosixSockets;

/**
 * Supplies the socket system of macOS and the BSDs, the POSIX one in poll-api with the BSD layouts, to jmio's network types; registered by this module because it owns those systems.
 *
 * <p>Threading: immutable.
 */
public final class BsdSocketsProvider implements SocketSystemProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public BsdSocketsProvider() {
    }

    @Override
    public String name() {
        return "posix (bsd)";
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current().isBsd();
    }

    @Override
    public SocketSystem create() {
        return new PosixSockets();
    }
}
