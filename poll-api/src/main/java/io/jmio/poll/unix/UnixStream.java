package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.DrainAwareRead;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Objects;
import io.jmio.poll.net.JmioSocketOptions;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

/**
 * A non-blocking Unix-domain stream socket, as mio's {@code UnixStream}: from {@link #connect},
 * {@link #pair()} or {@link UnixListener#accept()}.
 *
 * <pre>{@code
 * UnixStream[] ends = UnixStream.pair();
 * poll.registry().register(ends[1], Token.of(1), Interest.READABLE);
 * ends[0].write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
 * }</pre>
 *
 * <p>Reads return the bytes read, 0 if they would block, -1 at end of stream; writes return the bytes
 * written, 0 if they would block. Writes use {@code MSG_NOSIGNAL}: writing after the peer closed throws
 * {@code EPIPE} and raises no {@code SIGPIPE}. Steady-state reads and writes allocate nothing. After
 * {@link #close()} every operation throws {@link java.nio.channels.ClosedChannelException}; close is
 * safe from any thread, also while another thread is inside a read or write (the descriptor is
 * released by the last one out). It is a {@link ByteChannel}, {@link ScatteringByteChannel} and
 * {@link GatheringByteChannel} (non-blocking: 0 means would block), so code written against
 * {@code java.nio.channels} takes it.
 *
 * <p><b>Drain detection</b> ({@link #setDrainDetection}, opt-in, Linux 6.17+): the kernel says with each
 * read whether anything is left, so an edge-triggered loop can skip the read that would block.
 *
 * <p>Portability: Unix only.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time (an operation in flight finishes first; the last one out
 * releases the descriptor). It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixStream implements Source, ByteChannel, ScatteringByteChannel, GatheringByteChannel,
        io.jmio.poll.spi.Guarded {
    private final OwnedFd fd;
    /** {@link #setDrainDetection}: reads go through {@link DrainAwareRead}. */
    private boolean drainDetection;
    private boolean lastReadDrained;

    UnixStream(int fd) {
        this.fd = new OwnedFd(fd);
    }

    /**
     * Connects to a listening socket; a Unix connect completes at once or fails (e.g.
     * {@code ECONNREFUSED} with no listener, {@code ENOENT} with no file, {@code EAGAIN} when the
     * listener's backlog is full).
     *
     * @param address the listener's address
     * @return the connected stream
     * @throws IOException from {@code connect}
     */
    public static UnixStream connect(UnixAddress address) throws IOException {
        UnixOnly.check("UnixStream.connect");
        int fd = UnixSockets.open(SocketConstants.SOCK_STREAM);
        try {
            UnixSockets.connect(fd, address);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd, e);
            throw e;
        }
        return new UnixStream(fd);
    }

    /**
     * @return two connected, unnamed streams ({@code socketpair}), non-blocking and close-on-exec
     * @throws IOException from {@code socketpair}
     */
    public static UnixStream[] pair() throws IOException {
        UnixOnly.check("UnixStream.pair");
        int[] fds = Posix.socketPair(SocketConstants.SOCK_STREAM);
        return new UnixStream[] {new UnixStream(fds[0]), new UnixStream(fds[1])};
    }

    /**
     * @param dst a buffer, heap or direct
     * @return bytes read; 0 if it would block or {@code dst} is full; -1 at end of stream
     * @throws IOException from {@code recv}
     */
    public int read(ByteBuffer dst) throws IOException {
        int h = fd.acquireFd();
        try {
            if (drainDetection) {
                long r = DrainAwareRead.read(h, dst);
                lastReadDrained = DrainAwareRead.drained(r);
                return DrainAwareRead.bytes(r);
            }
            return SocketIo.read(h, SocketIo.Kind.SOCKET, dst, 0);
        } finally {
            fd.release();
        }
    }

    /**
     * Turns drain detection on or off (off by default; Linux 6.17+, {@code SO_INQ}): with it on,
     * {@link #read(ByteBuffer)} also learns from the kernel whether it left anything queued, and
     * {@link #lastReadDrained()} says so, so an edge-triggered loop can stop without the read that would
     * return 0 (the loop is shown on {@link io.jmio.poll.net.TcpStream#setDrainDetection}).
     *
     * <p>It is the kernel's count, not "a short read means drained": a Unix stream read stops after a
     * message that carried descriptors ({@code SCM_RIGHTS}), at a change of writer when
     * {@code SO_PASSCRED} is on, and in front of a peer's {@code MSG_OOB} byte; a heap buffer moves at
     * most 64 KiB per call. The count covers all of these. Descriptors that arrive with {@code SCM_RIGHTS}
     * are closed, as a plain read lets the kernel discard them. Each read stays one system call
     * ({@code recvmsg}) and allocates nothing.
     *
     * <p><b>End of stream is not counted</b> ({@code unix_inq_len} counts bytes only, where TCP's count
     * includes the FIN): a peer's shutdown or close that came before the event was collected is reported
     * in that event ({@link io.jmio.poll.Event#isReadClosed()}) and in no later one, so on such an event (or
     * one reporting an error) read until -1 rather than stopping at a drained report, as the loop on
     * {@link io.jmio.poll.net.TcpStream#setDrainDetection} does. A shutdown after the event raises a new one.
     *
     * @param on true to turn it on
     * @return this
     * @throws UnsupportedOperationException off Linux, or before Linux 6.17 (no {@code SO_INQ})
     * @throws IOException                   from {@code setsockopt}, or if closed
     */
    public UnixStream setDrainDetection(boolean on) throws IOException {
        int h = fd.acquireFd();
        try {
            if (on) {
                DrainAwareRead.enable(h, false);
            } else if (drainDetection) {
                DrainAwareRead.disable(h, false);
            }
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
     *         no data queued: a further read would return 0 (or -1 after a shutdown the last event reported
     *         as read-closed), and anything written from now on raises a new edge event. False after a read that returned 0 or -1 or left bytes queued, after a
     *         scattering read, and while the mode is off
     */
    public boolean lastReadDrained() {
        return lastReadDrained;
    }

    /**
     * Scattering read into up to 16 buffers.
     *
     * @param dsts buffers, filled in order
     * @return bytes read; 0 if it would block; -1 at end of stream
     * @throws IOException from {@code recvmsg}
     */
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    /**
     * Scattering read into {@code dsts[offset..offset+length)}, up to 16 of them.
     *
     * @param dsts   buffers
     * @param offset the first buffer to fill
     * @param length how many buffers
     * @return bytes read; 0 if it would block; -1 at end of stream
     * @throws IOException from {@code recvmsg}
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        int h = fd.acquireFd();
        try {
            lastReadDrained = false;
            return SocketIo.read(h, SocketIo.Kind.SOCKET, dsts, offset, length);
        } finally {
            fd.release();
        }
    }

    /**
     * @param src a buffer, heap or direct
     * @return bytes written; 0 if it would block
     * @throws IOException e.g. {@code send: EPIPE} after the peer closed
     */
    public int write(ByteBuffer src) throws IOException {
        int h = fd.acquireFd();
        try {
            return SocketIo.write(h, SocketIo.Kind.SOCKET, src, 0);
        } finally {
            fd.release();
        }
    }

    /**
     * Gathering write from up to 16 buffers.
     *
     * @param srcs buffers, sent in order
     * @return bytes written; 0 if it would block
     * @throws IOException from {@code sendmsg}
     */
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Gathering write from {@code srcs[offset..offset+length)}, up to 16 of them.
     *
     * @param srcs   buffers
     * @param offset the first buffer to send
     * @param length how many buffers
     * @return bytes written; 0 if it would block
     * @throws IOException from {@code sendmsg}
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        int h = fd.acquireFd();
        try {
            return SocketIo.write(h, SocketIo.Kind.SOCKET, srcs, offset, length);
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
     * @return the local address (unnamed for a connecting or paired socket)
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return fd.call(h -> UnixSockets.address((int) h, false));
    }

    /**
     * @return the peer's address (unnamed for a pair's end or an accepted client)
     * @throws IOException from {@code getpeername}
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
    public <T> UnixStream setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_STREAM, false, name, value)); // inside the guard: never on a reused number
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
        return fd.call(h -> OptionMapping.get(UnixSockets.SYS, h, OptionMapping.Kind.UNIX_STREAM, false, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(UnixSockets.SYS, OptionMapping.Kind.UNIX_STREAM, false);
    }

    /**
     * Adopts a connected Unix-domain stream descriptor jmio did not open (inherited, passed by native code, or from
     * {@link SocketActivation}): its kind is checked with the kernel (family, type, listening state),
     * then it is made non-blocking and close-on-exec, and this object owns it. A descriptor that fails a
     * check is left open and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the UnixStream, owning {@code fd}
     * @throws IllegalArgumentException if {@code fd} is not such a socket
     * @throws IOException              from the checking calls, e.g. {@code EBADF}
     */
    public static UnixStream fromFd(int fd) throws IOException {
        UnixOnly.check("UnixStream.fromFd");
        Adoption.adopt(fd, Adoption.Family.UNIX, SocketConstants.SOCK_STREAM, false, "UnixStream");
        return new UnixStream(fd);
    }

    /**
     * Takes the socket out of a JDK Unix-domain {@link java.nio.channels.SocketChannel} (JDK 16+): its descriptor is
     * duplicated and adopted as {@link #fromFd} does, and the channel closed; the socket stays open,
     * owned by the returned object. Needs {@value io.jmio.poll.net.ChannelSource#REQUIRED_FLAG}.
     *
     * @param channel an open channel of family {@code UNIX}
     * @return the UnixStream
     * @throws IllegalArgumentException      if the channel's socket is not of this kind
     * @throws UnsupportedOperationException if the descriptor cannot be reached
     * @throws IOException                   from the calls
     */
    public static UnixStream fromChannel(java.nio.channels.SocketChannel channel) throws IOException {
        UnixOnly.check("UnixStream.fromChannel");
        return new UnixStream(Adoption.fromChannel(channel, Adoption.Family.UNIX, SocketConstants.SOCK_STREAM, false,
                "UnixStream"));
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
     * @return the descriptor, still owned by this stream
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
     * Closes the socket (idempotent); the kernel drops its registrations.
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
        return "UnixStream(" + fd + ")";
    }
}
