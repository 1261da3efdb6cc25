package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystem.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.time.Duration;
import java.util.Objects;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

/**
 * A non-blocking TCP connection, as mio's {@code TcpStream}: from {@link #connect} or
 * {@link TcpListener#accept()}.
 *
 * <pre>{@code
 * TcpStream stream = TcpStream.connect(serverAddress);           // returns at once
 * poll.registry().register(stream, Token.of(1), Interest.READABLE.add(Interest.WRITABLE));
 * // ... on the first writable event:
 * IOException failed = stream.takeError();                       // e.g. a ConnectException
 * // ... on readable events, drain:
 * int n;
 * while ((n = stream.read(buffer)) > 0) { ... }                  // 0: would block, -1: end of stream
 * }</pre>
 *
 * <p><b>Connecting.</b> {@link #connect} starts a non-blocking connect and returns; the stream turns
 * writable when the connection is made or has failed. Then {@link #takeError()} returns the failure
 * (null if none) and {@link #peerAddress()} succeeds once connected.
 *
 * <p><b>Reading and writing</b> follow the JDK's channels: reads return the bytes read, 0 if they would
 * block, -1 at end of stream; writes return the bytes written, 0 if they would block. Direct buffers go
 * to the kernel by address; heap buffers through a per-thread native staging area (at most 64 KiB per
 * call). A registered stream's reads and writes allocate nothing. Writes use {@code MSG_NOSIGNAL}
 * (macOS: {@code SO_NOSIGPIPE}): writing to a reset connection throws {@code EPIPE} or
 * {@code ECONNRESET}, never raises {@code SIGPIPE}.
 *
 * <p><b>Drain detection</b> ({@link #setDrainDetection}, opt-in, Linux): the kernel says with each read
 * whether anything is left, so an edge-triggered loop can skip the read that would block.
 *
 * <p><b>Windows.</b> The stream is a Winsock {@code SOCKET} ({@link #rawHandle()}); Winsock errors carry
 * the portable names above ({@code WSAECONNREFUSED} is {@code ECONNREFUSED}) with the Winsock name in the
 * message. A read or write that would block re-arms the stream's edge-triggered IOCP registration, so
 * draining until would-block works as on Unix; I/O on the raw handle outside this class does not.
 * Gathering and scattering calls loop over the buffers.
 *
 * <p><b>Channels.</b> The stream is a {@link ByteChannel}, {@link ScatteringByteChannel} and
 * {@link GatheringByteChannel} (non-blocking: 0 means would block), so code written against
 * {@code java.nio.channels} takes it.
 *
 * <p>Errors: the JDK's socket exceptions, subclassed to name the call and errno
 * ({@link io.jmio.poll.SyscallFailure}): a refused connection is a {@link java.net.ConnectException},
 * a reset one a {@link java.net.SocketException} ({@code ECONNRESET}, {@code EPIPE}); after {@link #close()} every
 * operation throws {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time: an operation already inside a system call finishes on this
 * connection and the descriptor is released by the last one out, so a number reused by the kernel is
 * never reached through this object. It may be registered, reregistered and deregistered through any
 * {@link Registry}.
 */
public final class TcpStream implements Source, ByteChannel, ScatteringByteChannel, GatheringByteChannel, io.jmio.poll.spi.Guarded {
    private static final SocketSystem SYS = NetSocket.SYS;
    private static final SocketConfig NO_OPTIONS = SocketConfig.create();

    private final NetSocket fd;
    private final boolean v6;
    /** The peer, known from accept; null for a stream from {@link #connect} (then {@code getpeername}). */
    private final InetSocketAddress acceptedPeer;
    /** {@link #setDrainDetection}: reads go through {@link SocketSystem#readDetectingDrain}. */
    private boolean drainDetection;
    private boolean lastReadDrained;

    TcpStream(long handle, boolean v6) {
        this(handle, v6, null);
    }

    TcpStream(long handle, boolean v6, InetSocketAddress acceptedPeer) {
        this.fd = new NetSocket(handle);
        this.v6 = v6;
        this.acceptedPeer = acceptedPeer;
    }

    /**
     * Starts connecting to {@code address} and returns at once. Register for
     * {@link Interest#WRITABLE}: the stream turns writable when the attempt ends; then
     * {@link #takeError()} says whether it failed.
     *
     * @param address a resolved address
     * @return the (possibly still connecting) stream
     * @throws IOException if the socket cannot be opened, or {@code connect} fails at once
     */
    public static TcpStream connect(InetSocketAddress address) throws IOException {
        return connect(address, NO_OPTIONS);
    }

    /**
     * Opens a socket, sets {@code options} (e.g. a {@code SO_RCVBUF} large enough for the window scale
     * the handshake announces), then starts connecting as {@link #connect(InetSocketAddress)} does.
     *
     * @param address a resolved address
     * @param options options to set before connecting
     * @return the (possibly still connecting) stream
     * @throws IOException                   if the socket cannot be opened, or {@code connect} fails at once
     * @throws UnsupportedOperationException if an option is not a stream's or the OS lacks it
     */
    public static TcpStream connect(InetSocketAddress address, SocketConfig options) throws IOException {
        InetSockets.checkResolved(address);
        Objects.requireNonNull(options, "options");
        boolean v6 = InetSockets.isV6(address);
        long fd = SYS.open(v6, true);
        try {
            OptionMapping.apply(SYS, fd, OptionMapping.Kind.TCP_STREAM, v6, options);
            SYS.connect(fd, address);
        } catch (IOException | RuntimeException e) {
            SYS.closeQuietly(fd, e);
            throw e;
        }
        return new TcpStream(fd, v6);
    }

    /**
     * Reads into {@code dst} from its position.
     *
     * @param dst a buffer, heap or direct
     * @return bytes read; 0 if it would block or {@code dst} is full; -1 at end of stream
     * @throws IOException e.g. {@code recv: ECONNRESET}
     */
    public int read(ByteBuffer dst) throws IOException {
        long h = fd.acquire();
        try {
            int n;
            if (drainDetection) {
                long r = SYS.readDetectingDrain(h, dst);
                n = (int) r;
                lastReadDrained = (r >>> 32) != 0;
            } else {
                n = SYS.read(h, dst, false);
            }
            if (NetSocket.REARMS && n == 0 && dst.hasRemaining()) {
                fd.wouldBlock(Interest.READABLE);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    /**
     * Turns drain detection on or off (off by default; Linux only): with it on, {@link #read(ByteBuffer)}
     * also learns from the kernel whether it left anything queued, and {@link #lastReadDrained()} says so,
     * so an edge-triggered loop can stop reading without the read that would only return 0:
     *
     * <pre>{@code
     * stream.setDrainDetection(true);
     * // on each readable edge event:
     * boolean mayStop = !event.isError() && !event.isReadClosed();
     * int n;
     * while ((n = stream.read(buffer)) > 0) {
     *     ...                                                // use the bytes
     *     if (mayStop && stream.lastReadDrained()) break;    // nothing more: the next data raises an event
     * }
     * }</pre>
     *
     * <p>It is the kernel's count ({@code TCP_INQ}), not "a short read means drained": a read stops short
     * at the urgent mark ({@link #sendUrgent}) and in front of a FIN, and a heap buffer moves at most
     * 64 KiB per call, so a short read alone proves nothing. The count includes the urgent byte and the
     * bytes after the mark, and a received FIN (so end of stream is still read), so none of these is ever
     * reported as drained. Each read stays one system call ({@code recvmsg} instead of {@code recv}) and
     * allocates nothing.
     *
     * <p><b>Errors are not counted.</b> A reset that arrived with data leaves the data readable and the
     * count at 0 once it is read (measured on Linux 6.18: data, then {@code ECONNRESET} on the next
     * read); the reset is announced in the event that was collected after it ({@link io.jmio.poll.Event#isError()},
     * {@link io.jmio.poll.Event#isReadClosed()}) and in no later one. So on an event that reports an error or
     * read-closed, read until -1 or an exception, as the loop above does.
     *
     * @param on true to turn it on
     * @return this
     * @throws UnsupportedOperationException off Linux (on Windows, IOCP re-arms an edge-triggered
     *                                       registration only after a read would block, so skipping that
     *                                       read would lose events), or before Linux 4.18
     * @throws IOException                   from {@code setsockopt}, or if closed
     */
    public TcpStream setDrainDetection(boolean on) throws IOException {
        long h = fd.acquire();
        try {
            SYS.drainDetection(h, on);
            drainDetection = on;
            lastReadDrained = false;
        } finally {
            fd.release();
        }
        return this;
    }

    /** @return whether drain detection ({@link #setDrainDetection}) is on */
    public boolean drainDetection() {
        return drainDetection;
    }

    /**
     * @return true if drain detection is on and the last {@link #read(ByteBuffer)} returned data and left
     *         nothing queued in the kernel: a further read would return 0, and anything that arrives from
     *         now on raises a new edge event. False after a read that returned 0 or -1, after a read that
     *         left bytes queued (more data, the urgent byte, a FIN), after a scattering read (it does not
     *         ask), and while the mode is off. It speaks of data only: a pending reset is not counted (see
     *         {@link #setDrainDetection})
     */
    public boolean lastReadDrained() {
        return lastReadDrained;
    }

    /**
     * Scattering read ({@code recvmsg}) into up to 16 buffers.
     *
     * @param dsts buffers, filled in order
     * @return bytes read; 0 if it would block; -1 at end of stream
     * @throws IOException from {@code recvmsg}
     */
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    /**
     * @param dsts   buffers
     * @param offset the first buffer to fill
     * @param length how many buffers
     * @return bytes read; 0 if it would block; -1 at end of stream
     * @throws IOException from {@code recvmsg}
     */
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long h = fd.acquire();
        try {
            lastReadDrained = false;
            long n = SYS.read(h, dsts, offset, length);
            if (NetSocket.REARMS && n == 0) {
                fd.wouldBlock(Interest.READABLE);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    /**
     * Reads without consuming: the same bytes are read again by the next read. Peeking does not end
     * the current readiness: with edge triggering, no new event comes until a read would block.
     *
     * @param dst a buffer
     * @return bytes copied; 0 if nothing is available; -1 at end of stream
     * @throws IOException from {@code recv}
     */
    public int peek(ByteBuffer dst) throws IOException {
        long h = fd.acquire();
        try {
            return SYS.read(h, dst, true);
        } finally {
            fd.release();
        }
    }

    /**
     * Writes from {@code src} at its position.
     *
     * @param src a buffer, heap or direct
     * @return bytes written; 0 if it would block or {@code src} is empty
     * @throws IOException e.g. {@code send: EPIPE} after the peer reset the connection
     */
    public int write(ByteBuffer src) throws IOException {
        long h = fd.acquire();
        try {
            int n = SYS.write(h, src);
            if (NetSocket.REARMS && n == 0 && src.hasRemaining()) {
                fd.wouldBlock(Interest.WRITABLE);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    /**
     * Gathering write ({@code sendmsg}) from up to 16 buffers.
     *
     * @param srcs buffers, sent in order
     * @return bytes written; 0 if it would block
     * @throws IOException from {@code sendmsg}
     */
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * @param srcs   buffers
     * @param offset the first buffer to send
     * @param length how many buffers
     * @return bytes written; 0 if it would block
     * @throws IOException from {@code sendmsg}
     */
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long h = fd.acquire();
        try {
            long n = SYS.write(h, srcs, offset, length);
            if (NetSocket.REARMS && n == 0) {
                fd.wouldBlock(Interest.WRITABLE);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    /**
     * Sends one byte of urgent (out-of-band) data ({@code MSG_OOB}); the peer sees a
     * {@link Interest#PRIORITY} event on epoll.
     *
     * @param b the byte
     * @return true if sent, false if it would block
     * @throws IOException from {@code send}
     */
    public boolean sendUrgent(byte b) throws IOException {
        return fd.call(h -> SYS.sendUrgent(h, b));
    }

    /**
     * Shuts down one or both halves of the connection ({@code shutdown(2)}).
     *
     * @param how which half
     * @throws IOException e.g. {@code ENOTCONN}
     */
    public void shutdown(Shutdown how) throws IOException {
        Objects.requireNonNull(how, "how");
        fd.run(h -> SYS.shutdown(h, how.how()));
    }

    /**
     * Reads and clears the pending socket error ({@code SO_ERROR}): how a failed non-blocking connect
     * reports, e.g. {@code ECONNREFUSED}.
     *
     * @return the error, or null if there is none: a {@link io.jmio.poll.SyscallFailure} named
     *         {@code SO_ERROR}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return fd.call(h -> SYS.takeError(h));
    }

    /**
     * @return the local address
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return fd.call(h -> SYS.address(h, false));
    }

    /**
     * @return the peer's address: for an accepted stream the one {@code accept4} filled in (no system
     *         call), else read with {@code getpeername} (allocates it)
     * @throws IOException from {@code getpeername}, e.g. {@code ENOTCONN} while still connecting
     */
    public InetSocketAddress peerAddress() throws IOException {
        if (acceptedPeer != null) {
            fd.checkOpen();
            return acceptedPeer;
        }
        return fd.call(h -> SYS.address(h, true));
    }

    /**
     * @param on true to disable Nagle's algorithm ({@code TCP_NODELAY})
     * @throws IOException from {@code setsockopt}
     */
    public void setNoDelay(boolean on) throws IOException {
        fd.run(h -> InetSockets.setBoolean(h, Option.TCP_NO_DELAY, on));
    }

    /**
     * @return whether {@code TCP_NODELAY} is set
     * @throws IOException from {@code getsockopt}
     */
    public boolean noDelay() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.TCP_NO_DELAY));
    }

    /**
     * @param ttl the IP time-to-live (hop limit for IPv6), 0..255
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
     * Sets {@code SO_LINGER}: with {@link Duration#ZERO}, {@link #close()} resets the connection
     * (the peer sees {@code ECONNRESET}) instead of a graceful close.
     *
     * @param linger whole seconds to linger, or null to turn lingering off
     * @throws IOException from {@code setsockopt}
     */
    public void setLinger(Duration linger) throws IOException {
        fd.run(h -> InetSockets.setLinger(h, linger));
    }

    /**
     * @return the linger time, or null if lingering is off
     * @throws IOException from {@code getsockopt}
     */
    public Duration linger() throws IOException {
        return fd.call(h -> InetSockets.linger(h));
    }

    /**
     * @param on whether to send keep-alive probes ({@code SO_KEEPALIVE})
     * @throws IOException from {@code setsockopt}
     */
    public void setKeepAlive(boolean on) throws IOException {
        fd.run(h -> InetSockets.setBoolean(h, Option.KEEP_ALIVE, on));
    }

    /**
     * @return whether {@code SO_KEEPALIVE} is set
     * @throws IOException from {@code getsockopt}
     */
    public boolean keepAlive() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.KEEP_ALIVE));
    }

    /**
     * @param size the send buffer size hint ({@code SO_SNDBUF}; Linux doubles it)
     * @throws IOException from {@code setsockopt}
     */
    public void setSendBufferSize(int size) throws IOException {
        fd.run(h -> InetSockets.setBufferSize(h, Option.SEND_BUFFER, size));
    }

    /**
     * @return the send buffer size ({@code SO_SNDBUF})
     * @throws IOException from {@code getsockopt}
     */
    public int sendBufferSize() throws IOException {
        return fd.call(h -> SYS.option(h, Option.SEND_BUFFER));
    }

    /**
     * @param size the receive buffer size hint ({@code SO_RCVBUF}; Linux doubles it)
     * @throws IOException from {@code setsockopt}
     */
    public void setReceiveBufferSize(int size) throws IOException {
        fd.run(h -> InetSockets.setBufferSize(h, Option.RECEIVE_BUFFER, size));
    }

    /**
     * @return the receive buffer size ({@code SO_RCVBUF})
     * @throws IOException from {@code getsockopt}
     */
    public int receiveBufferSize() throws IOException {
        return fd.call(h -> SYS.option(h, Option.RECEIVE_BUFFER));
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
    public <T> TcpStream setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(SYS, h, OptionMapping.Kind.TCP_STREAM, v6, name, value)); // inside the guard: never on a reused number
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
        return fd.call(h -> OptionMapping.get(SYS, h, OptionMapping.Kind.TCP_STREAM, v6, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(SYS, OptionMapping.Kind.TCP_STREAM, v6);
    }

    /**
     * Adopts a connected (or connecting) TCP descriptor jmio did not open (inherited, passed by native code, or from
     * {@link io.jmio.poll.unix.SocketActivation}): its kind is checked with the kernel (family, type and
     * listening state, so a datagram or listening socket is refused), then it is made non-blocking and
     * close-on-exec, and this object owns it from then on. A descriptor that fails a check is left open
     * and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the TcpStream, owning {@code fd}
     * @throws IllegalArgumentException      if {@code fd} is not such a socket
     * @throws UnsupportedOperationException on Windows, whose sockets are not descriptors
     * @throws IOException                   from the checking calls, e.g. {@code EBADF}
     */
    public static TcpStream fromFd(int fd) throws IOException {
        InetSockets.checkDescriptors("TcpStream.fromFd");
        boolean v6 = Adoption.adopt(fd, Adoption.Family.INET, SocketConstants.SOCK_STREAM, false, "TcpStream");
        return new TcpStream(fd, v6);
    }

    /**
     * Takes the socket out of a JDK {@link java.nio.channels.SocketChannel}: the channel's descriptor is duplicated and adopted as
     * {@link #fromFd} does, and the channel is closed; the socket itself stays open, now owned by the
     * returned object. Reaching the descriptor needs what {@link ChannelSource} needs
     * ({@value ChannelSource#REQUIRED_FLAG}).
     *
     * @param channel an open channel
     * @return the TcpStream
     * @throws IllegalArgumentException      if the channel's socket is not of this kind
     * @throws UnsupportedOperationException if the descriptor cannot be reached, or on Windows
     * @throws IOException                   from the calls
     */
    public static TcpStream fromChannel(java.nio.channels.SocketChannel channel) throws IOException {
        InetSockets.checkDescriptors("TcpStream.fromChannel");
        int fd = Adoption.fromChannel(channel, Adoption.Family.INET, SocketConstants.SOCK_STREAM, false, "TcpStream");
        return new TcpStream(fd, Adoption.isInet6(fd));
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
        InetSockets.checkDescriptors("TcpStream.releaseFd");
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
     * @return the descriptor, for diagnostics and interop; still owned by this stream
     * @throws IOException if closed
     * @throws UnsupportedOperationException on Windows (see {@link #rawHandle()})
     */
    public int rawFd() throws IOException {
        return fd.checkOpenFd();
    }

    /**
     * @return the file descriptor (Unix) or {@code SOCKET} handle (Windows); still owned by this stream
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

    /** @return false once {@link #close()} was called */
    @Override
    public boolean isOpen() {
        return !fd.isClosed();
    }

    /** For completion backends (see {@link io.jmio.poll.spi.Guarded}); not for applications. */
    @Override
    public io.jmio.poll.spi.HandleGuard guard() {
        return fd;
    }

    @Override
    public String toString() {
        return "TcpStream(" + fd + ")";
    }
}
