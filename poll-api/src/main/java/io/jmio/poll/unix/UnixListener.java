package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;

import java.io.IOException;
import io.jmio.poll.net.JmioSocketOptions;
import io.jmio.poll.net.SocketConfig;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

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
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time (an operation in flight finishes first; the last one out
 * releases the descriptor). It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixListener implements Source, AutoCloseable, io.jmio.poll.spi.Guarded {
    private static final SocketConfig NO_OPTIONS = SocketConfig.create();

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
        return bind(address, NO_OPTIONS);
    }

    /**
     * @param address a path or abstract name
     * @param options options to set before binding ({@code SO_RCVBUF})
     * @return the listener, with a backlog of 1024
     * @throws IOException                   e.g. {@code bind: EADDRINUSE} if the path exists
     * @throws UnsupportedOperationException if an option is not a Unix listener's
     */
    public static UnixListener bind(UnixAddress address, SocketConfig options) throws IOException {
        UnixOnly.check("UnixListener.bind");
        java.util.Objects.requireNonNull(options, "options");
        int fd = UnixSockets.open(SocketConstants.SOCK_STREAM);
        try {
            OptionMapping.apply(UnixSockets.SYS, fd, OptionMapping.Kind.UNIX_LISTENER, false, options);
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
     * @throws IOException e.g. {@code accept4: EMFILE}; the listener remains usable, and an
     *         edge-triggered registration will not report the connections still queued again: retry
     *         this call without waiting for an event, as {@link io.jmio.poll.net.TcpListener}'s
     *         "Running out of descriptors" describes
     */
    public UnixStream accept() throws IOException {
        int h = fd.acquireFd();
        int client;
        try {
            client = Posix.accept(h, 0, 0);
        } finally {
            fd.release();
        }
        return client == Posix.NO_CONNECTION ? null : new UnixStream(client);
    }

    /**
     * @return the address bound to
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return fd.call(h -> UnixSockets.address((int) h, false));
    }

    /**
     * @return the pending socket error ({@code SO_ERROR}), cleared, or null: a
     *         {@link io.jmio.poll.SyscallFailure}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return fd.call(h -> Posix.takeSocketError((int) h));
    }

    /**
     * Sets a socket option, as {@link java.nio.channels.NetworkChannel#setOption} does: one of
     * {@link #supportedOptions()} ({@link java.net.StandardSocketOptions}, {@link JmioSocketOptions}).
     *
     * @param name  the option
     * @param value its value
     * @param <T>   its type
     * @return this
     * @throws UnsupportedOperationException if this socket type does not take the option, or the OS lacks it
     * @throws IllegalArgumentException      if the value is null or out of range
     * @throws IOException                   from {@code setsockopt}, or if closed
     */
    public <T> UnixListener setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_LISTENER, false, name, value)); // inside the guard: never on a reused number
        return this;
    }

    /**
     * Reads a socket option, as {@link java.nio.channels.NetworkChannel#getOption} does.
     *
     * @param name the option
     * @param <T>  its type
     * @return its value ({@code SO_LINGER}: seconds, -1 if off; buffer sizes as the kernel reports them,
     *         which Linux doubles)
     * @throws UnsupportedOperationException if this socket type does not take the option, or the OS lacks it
     * @throws IOException                   from {@code getsockopt}, or if closed
     */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return fd.call(h -> OptionMapping.get(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_LISTENER, false, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(UnixSockets.SYS, OptionMapping.Kind.UNIX_LISTENER, false);
    }

    /**
     * Adopts a listening Unix-domain descriptor jmio did not open (inherited, passed by native code, or from
     * {@link SocketActivation}): its kind is checked with the kernel (family, type, listening state),
     * then it is made non-blocking and close-on-exec, and this object owns it. A descriptor that fails a
     * check is left open and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the UnixListener, owning {@code fd}
     * @throws IllegalArgumentException if {@code fd} is not such a socket
     * @throws IOException              from the checking calls, e.g. {@code EBADF}
     */
    public static UnixListener fromFd(int fd) throws IOException {
        UnixOnly.check("UnixListener.fromFd");
        Adoption.adopt(fd, Adoption.Family.UNIX, SocketConstants.SOCK_STREAM, true, "UnixListener");
        return new UnixListener(fd);
    }

    /**
     * Takes the socket out of a JDK Unix-domain {@link java.nio.channels.ServerSocketChannel} (JDK 16+): its descriptor is
     * duplicated and adopted as {@link #fromFd} does, and the channel closed; the socket stays open,
     * owned by the returned object. Needs {@value io.jmio.poll.net.ChannelSource#REQUIRED_FLAG}.
     *
     * @param channel an open channel of family {@code UNIX}
     * @return the UnixListener
     * @throws IllegalArgumentException      if the channel's socket is not of this kind
     * @throws UnsupportedOperationException if the descriptor cannot be reached
     * @throws IOException                   from the calls
     */
    public static UnixListener fromChannel(java.nio.channels.ServerSocketChannel channel) throws IOException {
        UnixOnly.check("UnixListener.fromChannel");
        return new UnixListener(Adoption.fromChannel(channel, Adoption.Family.UNIX, SocketConstants.SOCK_STREAM, true,
                "UnixListener"));
    }

    /**
     * Hands the socket back: this object forgets it without closing it (it then acts as closed) and the
     * caller owns the descriptor. Operations in flight finish first, and a registration made through
     * this object is removed (the caller registers the descriptor anew if it wants).
     *
     * @return the descriptor
     * @throws IOException if closed or released already
     */
    public int releaseFd() throws IOException {
        return (int) fd.detach();
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
    public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        fd.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
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

    /** For completion backends (see {@link io.jmio.poll.spi.Guarded}); not for applications. */
    @Override
    public io.jmio.poll.spi.HandleGuard guard() {
        return fd;
    }

    @Override
    public String toString() {
        return "UnixListener(" + fd + ")";
    }
}
