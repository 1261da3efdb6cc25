package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TruncatedDatagramException;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import io.jmio.poll.net.JmioSocketOptions;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

/**
 * A non-blocking Unix-domain datagram socket, as mio's {@code UnixDatagram}: {@link #bind bound} to a
 * path or abstract name, {@link #unbound()}, or one end of a {@link #pair()}.
 *
 * <pre>{@code
 * UnixDatagram[] ends = UnixDatagram.pair();
 * ends[0].send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
 * int n = ends[1].receive(buffer);                 // -1 if nothing is waiting
 * }</pre>
 *
 * <p>Would-block: {@link #receiveFrom} returns null; {@link #receive} returns -1 (0 is an empty
 * datagram); sends return 0. A datagram longer than the buffer throws
 * {@link TruncatedDatagramException}. {@link #receiveFrom} allocates the sender's address; connected
 * {@link #send}/{@link #receive} allocate nothing.
 *
 * <p>Portability: Unix only; abstract addresses on Linux only.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time (an operation in flight finishes first; the last one out
 * releases the descriptor). It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixDatagram implements Source, AutoCloseable, io.jmio.poll.spi.Guarded {
    private final OwnedFd fd;
    /** Whether the last {@code receive*Truncating} call cut its datagram. */
    private boolean lastTruncated;

    private UnixDatagram(int fd) {
        this.fd = new OwnedFd(fd);
    }

    /**
     * @param address a path or abstract name
     * @return the bound socket
     * @throws IOException e.g. {@code bind: EADDRINUSE}
     */
    public static UnixDatagram bind(UnixAddress address) throws IOException {
        UnixOnly.check("UnixDatagram.bind");
        int fd = UnixSockets.open(SocketConstants.SOCK_DGRAM);
        try {
            UnixSockets.bind(fd, address);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd, e);
            throw e;
        }
        return new UnixDatagram(fd);
    }

    /**
     * @return a socket with no name: it can send, and receive replies only once connected
     * @throws IOException from {@code socket}
     */
    public static UnixDatagram unbound() throws IOException {
        UnixOnly.check("UnixDatagram.unbound");
        return new UnixDatagram(UnixSockets.open(SocketConstants.SOCK_DGRAM));
    }

    /**
     * @return two connected, unnamed datagram sockets ({@code socketpair})
     * @throws IOException from {@code socketpair}
     */
    public static UnixDatagram[] pair() throws IOException {
        UnixOnly.check("UnixDatagram.pair");
        int[] fds = Posix.socketPair(SocketConstants.SOCK_DGRAM);
        return new UnixDatagram[] {new UnixDatagram(fds[0]), new UnixDatagram(fds[1])};
    }

    /**
     * @param peer the address {@link #send} goes to and {@link #receive} accepts from
     * @throws IOException from {@code connect}
     */
    public void connect(UnixAddress peer) throws IOException {
        fd.run(h -> UnixSockets.connect((int) h, peer));
    }

    /**
     * @param src    the datagram
     * @param target where to
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code sendmsg: ENOENT} if nothing is bound at {@code target}
     */
    public int sendTo(ByteBuffer src, UnixAddress target) throws IOException {
        int h = fd.acquireFd();
        try {
            int addrLen = UnixSockets.encode(target);
            return SocketIo.sendDatagram(h, src, addrLen);
        } finally {
            fd.release();
        }
    }

    /**
     * @param src the datagram, to the connected peer
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code sendmsg: ENOTCONN}
     */
    public int send(ByteBuffer src) throws IOException {
        int h = fd.acquireFd();
        try {
            return SocketIo.sendDatagram(h, src, 0);
        } finally {
            fd.release();
        }
    }

    /**
     * @param dst the buffer
     * @return the sender (unnamed if it is not bound), or null if nothing is waiting
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public UnixAddress receiveFrom(ByteBuffer dst) throws IOException {
        int n = receiveRaw(dst);
        if (n < 0) {
            return null;
        }
        UnixAddress sender = UnixSockets.lastSender();
        if (SocketIo.lastTruncated()) {
            throw new TruncatedDatagramException(n, sender);
        }
        return sender;
    }

    /**
     * @param dst the buffer
     * @return the datagram's length (0 for an empty one), or -1 if nothing is waiting
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public int receive(ByteBuffer dst) throws IOException {
        int n = receiveRaw(dst);
        if (n >= 0 && SocketIo.lastTruncated()) {
            throw new TruncatedDatagramException(n, null);
        }
        return n;
    }

    /**
     * As {@link #receiveFrom}, but a datagram longer than the buffer's room is cut without an exception;
     * {@link #lastReceiveTruncated()} says whether it was.
     *
     * @param dst the buffer
     * @return the sender (unnamed if it is not bound), or null if nothing is waiting
     * @throws IOException from {@code recvmsg}
     */
    public UnixAddress receiveFromTruncating(ByteBuffer dst) throws IOException {
        if (receiveRaw(dst) < 0) {
            return null;
        }
        lastTruncated = SocketIo.lastTruncated();
        return UnixSockets.lastSender();
    }

    /**
     * As {@link #receive}, but a datagram longer than the buffer's room is cut without an exception;
     * {@link #lastReceiveTruncated()} says whether it was.
     *
     * @param dst the buffer
     * @return the bytes put into {@code dst}, or -1 if nothing is waiting
     * @throws IOException from {@code recvmsg}
     */
    public int receiveTruncating(ByteBuffer dst) throws IOException {
        int n = receiveRaw(dst);
        if (n >= 0) {
            lastTruncated = SocketIo.lastTruncated();
        }
        return n;
    }

    /** @return whether the datagram of the last {@code receive*Truncating} call was longer than the buffer */
    public boolean lastReceiveTruncated() {
        return lastTruncated;
    }

    /** One {@code recvmsg} inside the guard; the sender and truncation stay in this thread's scratch. */
    private int receiveRaw(ByteBuffer dst) throws IOException {
        int h = fd.acquireFd();
        try {
            return SocketIo.receiveDatagram(h, dst, 0);
        } finally {
            fd.release();
        }
    }

    /**
     * @param how which half to shut down
     * @throws IOException from {@code shutdown}
     */
    public void shutdown(Shutdown how) throws IOException {
        Objects.requireNonNull(how, "how");
        fd.run(h -> Posix.shutdown((int) h, how.how()));
    }

    /**
     * @return the local address (unnamed if unbound)
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return fd.call(h -> UnixSockets.address((int) h, false));
    }

    /**
     * @return the connected peer's address
     * @throws IOException {@code getpeername: ENOTCONN} if not connected
     */
    public UnixAddress peerAddress() throws IOException {
        return fd.call(h -> UnixSockets.address((int) h, true));
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
    public <T> UnixDatagram setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_DATAGRAM, false, name, value)); // inside the guard: never on a reused number
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
        return fd.call(h -> OptionMapping.get(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_DATAGRAM, false, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(UnixSockets.SYS, OptionMapping.Kind.UNIX_DATAGRAM, false);
    }

    /**
     * Adopts a Unix-domain datagram descriptor jmio did not open (inherited, passed by native code, or from
     * {@link SocketActivation}): its kind is checked with the kernel (family, type, listening state),
     * then it is made non-blocking and close-on-exec, and this object owns it. A descriptor that fails a
     * check is left open and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the UnixDatagram, owning {@code fd}
     * @throws IllegalArgumentException if {@code fd} is not such a socket
     * @throws IOException              from the checking calls, e.g. {@code EBADF}
     */
    public static UnixDatagram fromFd(int fd) throws IOException {
        UnixOnly.check("UnixDatagram.fromFd");
        Adoption.adopt(fd, Adoption.Family.UNIX, SocketConstants.SOCK_DGRAM, false, "UnixDatagram");
        return new UnixDatagram(fd);
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
     * @return the descriptor, still owned by this socket
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
     * Closes the socket (idempotent); a bound path's file stays.
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
        return "UnixDatagram(" + fd + ")";
    }
}
