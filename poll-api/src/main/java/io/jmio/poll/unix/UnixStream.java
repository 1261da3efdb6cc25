package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

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
 * {@link #close()} every operation throws {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Portability: Unix only.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time. It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixStream implements Source, AutoCloseable {
    private final OwnedFd fd;

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
        return SocketIo.read(fd.checkOpen(), SocketIo.Kind.SOCKET, dst, 0);
    }

    /**
     * Scattering read into up to 16 buffers.
     *
     * @param dsts buffers, filled in order
     * @return bytes read; 0 if it would block; -1 at end of stream
     * @throws IOException from {@code recvmsg}
     */
    public long read(ByteBuffer[] dsts) throws IOException {
        return SocketIo.read(fd.checkOpen(), SocketIo.Kind.SOCKET, dsts, 0, dsts.length);
    }

    /**
     * @param src a buffer, heap or direct
     * @return bytes written; 0 if it would block
     * @throws IOException e.g. {@code send: EPIPE} after the peer closed
     */
    public int write(ByteBuffer src) throws IOException {
        return SocketIo.write(fd.checkOpen(), SocketIo.Kind.SOCKET, src, 0);
    }

    /**
     * Gathering write from up to 16 buffers.
     *
     * @param srcs buffers, sent in order
     * @return bytes written; 0 if it would block
     * @throws IOException from {@code sendmsg}
     */
    public long write(ByteBuffer[] srcs) throws IOException {
        return SocketIo.write(fd.checkOpen(), SocketIo.Kind.SOCKET, srcs, 0, srcs.length);
    }

    /**
     * @param how which half to shut down
     * @throws IOException from {@code shutdown}
     */
    public void shutdown(Shutdown how) throws IOException {
        Objects.requireNonNull(how, "how");
        Posix.shutdown(fd.checkOpen(), how.how());
    }

    /**
     * @return the local address (unnamed for a connecting or paired socket)
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.address(fd.checkOpen(), false);
    }

    /**
     * @return the peer's address (unnamed for a pair's end or an accepted client)
     * @throws IOException from {@code getpeername}
     */
    public UnixAddress peerAddress() throws IOException {
        return UnixSockets.address(fd.checkOpen(), true);
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

    @Override
    public String toString() {
        return "UnixStream(" + fd + ")";
    }
}
