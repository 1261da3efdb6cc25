package io.jmio.poll;

import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * A raw Unix file descriptor as a {@link Source}, for descriptors jmio does not own: the caller opens
 * it, keeps it open while registered, deregisters it, and closes it.
 *
 * <p>All of jmio's Unix sources register through this class, as mio's do through its {@code SourceFd}.
 * Registering the same descriptor twice with one {@link Poll} fails with {@code EEXIST}; a closed
 * descriptor with {@code EBADF}.
 *
 * <pre>{@code
 * SourceFd stdin = new SourceFd(0);
 * poll.registry().register(stdin, Token.of(1), Interest.READABLE);
 * }</pre>
 *
 * <p>Portability: Unix only (epoll and kqueue backends). The IOCP backend refuses it with an
 * {@link UnsupportedOperationException}, since Windows readiness is per socket.
 *
 * <p>Threading: immutable and safe to use from any thread.
 */
public final class SourceFd implements Source {
    private final int fd;

    /**
     * @param fd a file descriptor, not owned by this object
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public SourceFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd);
        }
        this.fd = fd;
    }

    /** @return the file descriptor */
    public int fd() {
        return fd;
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
        selector(registry).register(fd, token, interests.bits(), trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        selector(registry).reregister(fd, token, interests.bits(), trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        selector(registry).deregister(fd);
    }

    private static Selector selector(Registry registry) {
        Selector selector = registry.selector();
        if (!selector.acceptsFileDescriptors()) {
            throw new UnsupportedOperationException("the " + selector.backendName() + " backend polls sockets, not Unix"
                    + " file descriptors: use SourceSocket");
        }
        return selector;
    }

    @Override
    public String toString() {
        return "SourceFd(" + fd + ")";
    }
}
