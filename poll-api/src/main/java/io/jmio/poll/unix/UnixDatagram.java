package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TruncatedDatagramException;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

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
 * <p>Threading: not thread-safe; use it from one thread at a time. It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UnixDatagram implements Source, AutoCloseable {
    private final OwnedFd fd;

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
        UnixSockets.connect(fd.checkOpen(), peer);
    }

    /**
     * @param src    the datagram
     * @param target where to
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code sendmsg: ENOENT} if nothing is bound at {@code target}
     */
    public int sendTo(ByteBuffer src, UnixAddress target) throws IOException {
        int fdNum = fd.checkOpen();
        int addrLen = UnixSockets.encode(target);
        return SocketIo.sendDatagram(fdNum, src, addrLen);
    }

    /**
     * @param src the datagram, to the connected peer
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code sendmsg: ENOTCONN}
     */
    public int send(ByteBuffer src) throws IOException {
        return SocketIo.sendDatagram(fd.checkOpen(), src, 0);
    }

    /**
     * @param dst the buffer
     * @return the sender (unnamed if it is not bound), or null if nothing is waiting
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public UnixAddress receiveFrom(ByteBuffer dst) throws IOException {
        int n = SocketIo.receiveDatagram(fd.checkOpen(), dst, 0);
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
        int n = SocketIo.receiveDatagram(fd.checkOpen(), dst, 0);
        if (n >= 0 && SocketIo.lastTruncated()) {
            throw new TruncatedDatagramException(n, null);
        }
        return n;
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
     * @return the local address (unnamed if unbound)
     * @throws IOException from {@code getsockname}
     */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.address(fd.checkOpen(), false);
    }

    /**
     * @return the connected peer's address
     * @throws IOException {@code getpeername: ENOTCONN} if not connected
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

    @Override
    public String toString() {
        return "UnixDatagram(" + fd + ")";
    }
}
