package io.jmio.poll.spi;

/**
 * Supplies the {@link SocketSystem} of one operating system family, found by
 * {@link java.util.ServiceLoader}: the module that owns an OS registers one in
 * {@code META-INF/services/io.jmio.poll.spi.SocketSystemProvider} (poll-epoll for Linux, poll-kqueue
 * for macOS and the BSDs, poll-iocp for Windows).
 *
 * <p>Providers are keyed by operating system, not by backend: every Linux backend (epoll, io_uring)
 * shares the POSIX socket system, so the choice of socket API never depends on which {@code Poll}
 * a socket will later be registered with. {@link SocketSystem#current()} asks each provider on the
 * class path whether it {@linkplain #supportsCurrentOs() supports the running OS} and takes the first
 * that does (two providers for one OS would supply the same implementation).
 *
 * <p>Threading: implementations are immutable; {@link #create()} is called at most once per process.
 */
public interface SocketSystemProvider {
    /** @return a short name for messages, e.g. {@code posix (linux)} */
    String name();

    /** @return true if this provider's socket system serves the running operating system */
    boolean supportsCurrentOs();

    /**
     * @return the socket system; called once, on the first use of a network type
     * @throws RuntimeException if the operating system's socket library cannot be loaded
     */
    SocketSystem create();
}
