package io.jmio.poll;

import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * A raw Windows {@code SOCKET} as a {@link Source}, the Windows counterpart of {@link SourceFd}: for
 * sockets jmio does not own. The caller creates the socket (non-blocking), keeps it open while it is
 * registered, deregisters it and closes it.
 *
 * <pre>{@code
 * SourceSocket socket = new SourceSocket(rawSocketHandle);
 * poll.registry().register(socket, Token.of(1), Interest.READABLE);
 * // ... read until WSAEWOULDBLOCK, then:
 * socket.rearm(poll.registry(), Interest.READABLE);
 * }</pre>
 *
 * <p><b>Edge-triggered registrations and {@link #rearm}.</b> Windows reports readiness through AFD
 * polls, which are level-based. To give mio's edge-triggered behaviour the IOCP backend turns an
 * interest off once it has been reported, and turns it on again when {@link #rearm} says that an
 * operation on the socket would block. Code that reads and writes the socket outside jmio's own types
 * must call {@link #rearm} after every {@code WSAEWOULDBLOCK}, or it will not hear of that readiness
 * again (level and oneshot registrations need no re-arming).
 *
 * <p><b>Deregister before closing.</b> Windows drops a registration only when the socket's pending AFD
 * poll completes with {@code AFD_POLL_LOCAL_CLOSE}, which the next {@link Poll#poll} processes. A
 * socket closed while registered keeps its handle value registered until then, and a new socket that
 * received the same value cannot be registered ({@code EEXIST}) in the meantime.
 *
 * <p>Portability: Windows only. The epoll and kqueue backends refuse it with an
 * {@link UnsupportedOperationException}.
 *
 * <p>Threading: immutable and safe to use from any thread.
 */
public final class SourceSocket implements Source {
    private final long socket;

    /**
     * @param socket a {@code SOCKET} handle, not owned by this object
     * @throws IllegalArgumentException if {@code socket} is 0 or {@code INVALID_SOCKET} (-1)
     */
    public SourceSocket(long socket) {
        if (socket == 0 || socket == -1) {
            throw new IllegalArgumentException("invalid socket handle " + socket);
        }
        this.socket = socket;
    }

    /** @return the socket handle */
    public long socket() {
        return socket;
    }

    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        register(registry, token.value(), interests, trigger);
    }

    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        reregister(registry, token.value(), interests, trigger);
    }

    @Override
    public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        selector(registry).register(socket, token, interests.bits(), trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        selector(registry).reregister(socket, token, interests.bits(), trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        selector(registry).deregister(socket);
    }

    /**
     * Re-arms the interests whose operation has just returned {@code WSAEWOULDBLOCK}, so that an
     * edge-triggered registration reports them again when they become ready. Does nothing for level
     * and oneshot registrations.
     *
     * @param registry  the registry the socket is registered with
     * @param interests the interests that would block (e.g. {@link Interest#READABLE} after a read)
     * @throws IOException         if the poll cannot be submitted to the kernel
     * @throws ClosedPollException if the poll is closed
     */
    public void rearm(Registry registry, Interest interests) throws IOException {
        selector(registry).rearm(socket, interests.bits());
    }

    private static Selector selector(Registry registry) {
        Selector selector = registry.selector();
        if (!selector.acceptsSockets()) {
            throw new UnsupportedOperationException("the " + selector.backendName() + " backend polls Unix file"
                    + " descriptors, not Windows sockets: use SourceFd");
        }
        return selector;
    }

    @Override
    public String toString() {
        return "SourceSocket(" + socket + ")";
    }
}
