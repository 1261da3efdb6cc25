package io.jmio.poll.iocp.winsock;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystemProvider;

/**
 * Supplies Windows' socket system, {@link WinsockSockets} (which loads {@code ws2_32} and calls {@code WSAStartup}), to jmio's network types.
 *
 * <p>Threading: immutable.
 */
public final class WinsockSocketsProvider implements SocketSystemProvider {
    /** Used by {@link java.util.ServiceLoader}. */
    public WinsockSocketsProvider() {
    }

    @Override
    public String name() {
        return "winsock";
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.WINDOWS;
    }

    @Override
    public SocketSystem create() {
        return new WinsockSockets();
    }
}
