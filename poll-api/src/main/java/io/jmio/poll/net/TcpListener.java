package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

/**
 * A non-blocking TCP listening socket, as mio's {@code TcpListener}: register it for
 * {@link Interest#READABLE} and {@link #accept()} until it returns null.
 *
 * <pre>{@code
 * try (Poll poll = Poll.open();
 *      TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     poll.registry().register(listener, Token.of(0), Interest.READABLE);
 *     Events events = Events.withCapacity(64);
 *     poll.poll(events, null);
 *     TcpStream stream;
 *     while ((stream = listener.accept()) != null) {     // edge-triggered: drain until null
 *         InetSocketAddress peer = stream.peerAddress();
 *         // register stream ...
 *     }
 * }
 * }</pre>
 *
 * <p>The socket is non-blocking and close-on-exec from birth, and binds with {@code SO_REUSEADDR}. On
 * Windows it is an overlapped, non-inheritable {@code SOCKET} made non-blocking with
 * {@code ioctlsocket(FIONBIO)}, and binds without {@code SO_REUSEADDR} (which there would let another
 * socket take the port); an accept that would block re-arms an edge-triggered IOCP registration.
 * {@link #accept()} allocates the new {@link TcpStream} and its peer's address, which the
 * {@code accept4} call itself fills in: {@link TcpStream#peerAddress()} then costs no system call.
 * Accepted streams are non-blocking and close-on-exec too.
 *
 * <p>Errors: {@code EMFILE}/{@code ENFILE} from accept are thrown as a {@link java.net.SocketException}
 * ({@link io.jmio.poll.SyscallSocketException}, with the errno); the listener stays usable, and the
 * connection stays queued in the backlog, so a later {@link #accept()} succeeds once descriptors are
 * free. After {@link #close()} every operation throws {@link java.nio.channels.ClosedChannelException}.
 *
 * <p><b>Running out of descriptors, edge-triggered.</b> An edge-triggered listener (the default) is
 * reported readable once, when the backlog stops being empty. If the accept loop stops at
 * {@code EMFILE}, the connections left in the backlog never produce another event: a loop that waits
 * for the listener's next event hears nothing until a <em>new</em> client connects, and under a steady
 * shortage the backlog starves (freeing descriptors does not make the kernel report it again). So
 * after {@code EMFILE}/{@code ENFILE}, remember that the backlog is not drained and call
 * {@link #accept()} again by yourself, without waiting for an event: poll with a short timeout (tens of
 * milliseconds) while the flag is set and retry after every poll, until {@code accept} returns null:
 *
 * <pre>{@code
 * boolean backlogged = false;
 * while (running) {
 *     poll.poll(events, backlogged ? Duration.ofMillis(50) : null);
 *     for (Event e : events) { ... if (e.token() == LISTENER) backlogged = true; ... }
 *     if (backlogged) {
 *         try {
 *             TcpStream s;
 *             while ((s = listener.accept()) != null) { register(s); }
 *             backlogged = false;                              // drained: wait for the next edge
 *         } catch (SocketException e) {                        // EMFILE: still backlogged, retry later
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The alternatives: register the listener {@link io.jmio.poll.Trigger#LEVEL level-triggered}, so
 * every poll reports the waiting backlog again (simple, but while the shortage lasts every poll returns
 * at once: the loop spins, so back off there too); or keep a reserve descriptor (e.g. one opened on
 * {@code /dev/null}) and on {@code EMFILE} close it, accept and close the connection at once, and open
 * the reserve again, which sheds clients instead of keeping them waiting. The examples' servers
 * ({@code EchoServer}, {@code HttpServer}, {@code MultiLoopHttpServer}) use the retry above.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time (an operation in flight finishes first; the last one out
 * releases the descriptor). It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class TcpListener implements Source, AutoCloseable, io.jmio.poll.spi.Guarded {
    /** The backlog {@link #bind} asks for (the kernel caps it, e.g. at {@code net.core.somaxconn}). */
    public static final int DEFAULT_BACKLOG = 1024;

    private static final SocketSystem SYS = NetSocket.SYS;
    private static final SocketConfig NO_OPTIONS = SocketConfig.create();

    private final NetSocket fd;
    private final boolean v6;

    private TcpListener(long handle, boolean v6) {
        this.fd = new NetSocket(handle);
        this.v6 = v6;
    }

    /**
     * Opens a listener bound to {@code address} with {@code SO_REUSEADDR}; port 0 picks a free port
     * ({@link #localAddress()} tells which).
     *
     * @param address a resolved address
     * @return the listener
     * @throws IOException e.g. {@code bind: EADDRINUSE}
     */
    public static TcpListener bind(InetSocketAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG);
    }

    /**
     * @param address a resolved address
     * @param backlog the length of the queue of pending connections
     * @return the listener
     * @throws IOException e.g. {@code bind: EADDRINUSE}
     */
    public static TcpListener bind(InetSocketAddress address, int backlog) throws IOException {
        return bind(address, backlog, NO_OPTIONS);
    }

    /**
     * Opens a listener, sets {@code options} (e.g. {@code SO_REUSEPORT}, {@code IPV6_V6ONLY},
     * {@code SO_RCVBUF}), then binds and listens with {@link #DEFAULT_BACKLOG}.
     *
     * @param address a resolved address
     * @param options options to set before binding
     * @return the listener
     * @throws IOException                   e.g. {@code bind: EADDRINUSE}
     * @throws UnsupportedOperationException if an option is not a listener's or the OS lacks it
     */
    public static TcpListener bind(InetSocketAddress address, SocketConfig options) throws IOException {
        return bind(address, DEFAULT_BACKLOG, options);
    }

    /**
     * @param address a resolved address
     * @param backlog the length of the queue of pending connections
     * @param options options to set before binding
     * @return the listener
     * @throws IOException                   e.g. {@code bind: EADDRINUSE}
     * @throws UnsupportedOperationException if an option is not a listener's or the OS lacks it
     */
    public static TcpListener bind(InetSocketAddress address, int backlog, SocketConfig options) throws IOException {
        InetSockets.checkResolved(address);
        Objects.requireNonNull(options, "options");
        boolean v6 = InetSockets.isV6(address);
        long fd = SYS.open(v6, true);
        try {
            SYS.prepareListener(fd);
            OptionMapping.apply(SYS, fd, OptionMapping.Kind.TCP_LISTENER, v6, options);
            SYS.bind(fd, address);
            SYS.listen(fd, backlog);
        } catch (IOException | RuntimeException e) {
            SYS.closeQuietly(fd, e);
            throw e;
        }
        return new TcpListener(fd, v6);
    }

    /**
     * Accepts one pending connection.
     *
     * @return the connection, or null if none is pending (would block)
     * @throws IOException e.g. {@code accept4: EMFILE}; the listener remains usable, and an
     *         edge-triggered registration will not report the connections still queued again: retry
     *         this call without waiting for an event (see "Running out of descriptors" above)
     */
    public TcpStream accept() throws IOException {
        long h = fd.acquire();
        long client;
        try {
            client = SYS.accept(h);
            if (client == SocketSystem.NO_SOCKET) {
                fd.wouldBlock(Interest.READABLE);
                return null;
            }
        } finally {
            fd.release();
        }
        return new TcpStream(client, v6, SYS.lastAcceptedPeer());
    }

    /**
     * @return the address the listener is bound to
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return fd.call(h -> SYS.address(h, false));
    }

    /**
     * @param ttl the IP time-to-live (hop limit for IPv6) of accepted connections, 0..255
     * @throws IOException from {@code setsockopt}
     */
    public void setTtl(int ttl) throws IOException {
        fd.run(h -> InetSockets.setTtl(h, v6, ttl));
    }

    /**
     * @return the IP time-to-live (hop limit for IPv6)
     * @throws IOException from {@code getsockopt}
     */
    public int ttl() throws IOException {
        return fd.call(h -> InetSockets.ttl(h, v6));
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}).
     *
     * @return the error, or null if there is none: a {@link io.jmio.poll.SyscallFailure} named
     *         {@code SO_ERROR}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return fd.call(h -> SYS.takeError(h));
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
    public <T> TcpListener setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(SYS, h, OptionMapping.Kind.TCP_LISTENER, v6, name, value)); // inside the guard: never on a reused number
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
        return fd.call(h -> OptionMapping.get(SYS, h, OptionMapping.Kind.TCP_LISTENER, v6, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(SYS, OptionMapping.Kind.TCP_LISTENER, v6);
    }

    /**
     * Adopts a listening TCP descriptor jmio did not open (inherited, passed by native code, or from
     * {@link io.jmio.poll.unix.SocketActivation}): its kind is checked with the kernel (family, type and
     * listening state, so a datagram or listening socket is refused), then it is made non-blocking and
     * close-on-exec, and this object owns it from then on. A descriptor that fails a check is left open
     * and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the TcpListener, owning {@code fd}
     * @throws IllegalArgumentException      if {@code fd} is not such a socket
     * @throws UnsupportedOperationException on Windows, whose sockets are not descriptors
     * @throws IOException                   from the checking calls, e.g. {@code EBADF}
     */
    public static TcpListener fromFd(int fd) throws IOException {
        InetSockets.checkDescriptors("TcpListener.fromFd");
        boolean v6 = Adoption.adopt(fd, Adoption.Family.INET, SocketConstants.SOCK_STREAM, true, "TcpListener");
        return new TcpListener(fd, v6);
    }

    /**
     * Takes the socket out of a JDK {@link java.nio.channels.ServerSocketChannel}: the channel's descriptor is duplicated and adopted as
     * {@link #fromFd} does, and the channel is closed; the socket itself stays open, now owned by the
     * returned object. Reaching the descriptor needs what {@link ChannelSource} needs
     * ({@value ChannelSource#REQUIRED_FLAG}).
     *
     * @param channel an open channel
     * @return the TcpListener
     * @throws IllegalArgumentException      if the channel's socket is not of this kind
     * @throws UnsupportedOperationException if the descriptor cannot be reached, or on Windows
     * @throws IOException                   from the calls
     */
    public static TcpListener fromChannel(java.nio.channels.ServerSocketChannel channel) throws IOException {
        InetSockets.checkDescriptors("TcpListener.fromChannel");
        int fd = Adoption.fromChannel(channel, Adoption.Family.INET, SocketConstants.SOCK_STREAM, true, "TcpListener");
        return new TcpListener(fd, Adoption.isInet6(fd));
    }

    /**
     * Hands the socket back: this object forgets it without closing it (it then acts as closed) and the
     * caller owns the descriptor. Operations in flight finish first, and a registration made through
     * this object is removed (the caller registers the descriptor anew if it wants).
     *
     * @return the descriptor
     * @throws IOException                   if closed or released already
     * @throws UnsupportedOperationException on Windows (see {@link #releaseHandle()})
     */
    public int releaseFd() throws IOException {
        InetSockets.checkDescriptors("TcpListener.releaseFd");
        return (int) fd.detach();
    }

    /**
     * Hands the socket back as {@link #releaseFd()} does, on any OS (the socket is first
     * deregistered from the Poll it was registered with, as {@link #close()} does).
     *
     * @return the file descriptor (Unix) or {@code SOCKET} handle (Windows)
     * @throws IOException if closed or released already
     */
    public long releaseHandle() throws IOException {
        return fd.detach();
    }

    /**
     * @return the descriptor, for diagnostics and interop; still owned by this listener
     * @throws IOException if closed
     * @throws UnsupportedOperationException on Windows (see {@link #rawHandle()})
     */
    public int rawFd() throws IOException {
        return fd.checkOpenFd();
    }

    /**
     * @return the file descriptor (Unix) or {@code SOCKET} handle (Windows); still owned by this listener
     * @throws IOException if closed
     */
    public long rawHandle() throws IOException {
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
     * Closes the socket (idempotent); the kernel drops its registrations (on Windows it is deregistered
     * first from the Poll it was last registered with, as the IOCP backend asks).
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
        return "TcpListener(" + fd + ")";
    }
}
