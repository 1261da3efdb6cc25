package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.net.InetSocketAddress;

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
 * {@link #accept()} allocates the new {@link TcpStream} (and nothing else: the peer's address is read
 * only when {@link TcpStream#peerAddress()} asks for it). Accepted streams are non-blocking and
 * close-on-exec too.
 *
 * <p>Errors: {@code EMFILE}/{@code ENFILE} from accept are thrown as a {@link java.net.SocketException}
 * ({@link io.jmio.poll.SyscallSocketException}, with the errno); the
 * listener stays usable and accepts again once descriptors are free. After {@link #close()} every
 * operation throws {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time. It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class TcpListener implements Source, AutoCloseable {
    /** The backlog {@link #bind} asks for (the kernel caps it, e.g. at {@code net.core.somaxconn}). */
    public static final int DEFAULT_BACKLOG = 1024;

    private static final SocketSystem SYS = NetSocket.SYS;

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
        InetSockets.checkResolved(address);
        boolean v6 = InetSockets.isV6(address);
        long fd = SYS.open(v6, true);
        try {
            SYS.bindAndListen(fd, address, backlog);
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
     * @throws IOException e.g. {@code accept4: EMFILE}; the listener remains usable
     */
    public TcpStream accept() throws IOException {
        long client = SYS.accept(fd.checkOpen());
        if (client == SocketSystem.NO_SOCKET) {
            fd.wouldBlock(Interest.READABLE);
            return null;
        }
        return new TcpStream(client, v6);
    }

    /**
     * @return the address the listener is bound to
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return SYS.address(fd.checkOpen(), false);
    }

    /**
     * @param ttl the IP time-to-live (hop limit for IPv6) of accepted connections, 0..255
     * @throws IOException from {@code setsockopt}
     */
    public void setTtl(int ttl) throws IOException {
        InetSockets.setTtl(fd.checkOpen(), v6, ttl);
    }

    /**
     * @return the IP time-to-live (hop limit for IPv6)
     * @throws IOException from {@code getsockopt}
     */
    public int ttl() throws IOException {
        return InetSockets.ttl(fd.checkOpen(), v6);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}).
     *
     * @return the error, or null if there is none: a {@link io.jmio.poll.SyscallFailure} named
     *         {@code SO_ERROR}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return SYS.takeError(fd.checkOpen());
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

    @Override
    public String toString() {
        return "TcpListener(" + fd + ")";
    }
}
