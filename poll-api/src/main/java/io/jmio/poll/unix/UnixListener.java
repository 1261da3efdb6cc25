package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;

import java.io.IOException;

/**
 * A non-blocking Unix-domain listening socket, as mio's {@code UnixListener}: register it for
 * {@link Interest#READABLE} and {@link #accept()} until it returns null.
 *
 * <pre>{@code
 * UnixListener listener = UnixListener.bind(UnixAddress.of(dir.resolve("app.sock")));
 * poll.registry().register(listener, Token.of(0), Interest.READABLE);
 * }</pre>
 *
 * <p>Binding a path creates the socket file; {@link #close()} does not remove it (as in C and mio), so
 * the caller deletes it. Binding over an existing file fails with {@code EADDRINUSE}. A path too long
 * for {@code sun_path} is refused by {@link UnixAddress} before any system call.
 *
 * <p>Portability: Unix only; abstract addresses on Linux only.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time. It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixListener implements Source, AutoCloseable {
    private final OwnedFd fd;

    private UnixListener(int fd) {
        this.fd = new OwnedFd(fd);
    }

    /**
     * @param address a path or abstract name
     * @return the listener, with a backlog of 1024
     * @throws IOException e.g. {@code bind: EADDRINUSE} if the path exists
     */
    public static UnixListener bind(UnixAddress address) throws IOException {
        UnixOnly.check("UnixListener.bind");
        int fd = UnixSockets.open(SocketConstants.SOCK_STREAM);
        try {
            UnixSockets.bind(fd, address);
            Posix.listen(fd, 1024);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd, e);
            throw e;
        }
        return new UnixListener(fd);
    }

    /**
     * @return a connection, or null if none is pending (would block)
     * @throws IOException e.g. {@code accept4: EMFILE}; the listener remains usable
     */
    public UnixStream accept() throws IOException {
        int client = Posix.accept(fd.checkOpen(), 0, 0);
        return client == Posix.NO_CONNECTION ? null : new UnixStream(client);
    }

    /**
     * @return the address bound to
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.address(fd.checkOpen(), false);
    }

    /**
     * @return the pending socket error ({@code SO_ERROR}), cleared, or null: a
     *         {@link io.jmio.poll.SyscallFailure}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return Posix.takeSocketError(fd.checkOpen());
    }

    /**
     * @return the descriptor, still owned by this listener
     * @throws IOException if closed
     */
    public int rawFd() throws IOException {
        return fd.checkOpen();
    }

    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.reregister(registry, token, interests, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        fd.deregister(registry);
    }

    /**
     * Closes the socket (idempotent); the socket file, if any, stays.
     *
     * @throws IOException from {@code close}
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "UnixListener(" + fd + ")";
    }
}
