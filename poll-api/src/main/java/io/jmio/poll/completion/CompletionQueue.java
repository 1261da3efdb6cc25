package io.jmio.poll.completion;

import static io.jmio.poll.completion.Slots.ACCEPT;
import static io.jmio.poll.completion.Slots.CANCEL;
import static io.jmio.poll.completion.Slots.CLOSE;
import static io.jmio.poll.completion.Slots.CONNECT;
import static io.jmio.poll.completion.Slots.RECV;
import static io.jmio.poll.completion.Slots.RECVMSG;
import static io.jmio.poll.completion.Slots.RECV_MULTI;
import static io.jmio.poll.completion.Slots.SEND;
import static io.jmio.poll.completion.Slots.SENDMSG;
import static io.jmio.poll.completion.Slots.TIMEOUT;

import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.spi.Guarded;
import io.jmio.poll.spi.HandleGuard;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A completion queue: operations are submitted with a 64-bit token and run by the kernel; their
 * completions are {@link #reap reaped} later into a {@link Completions} array, many per system call.
 * It is the completion model beside {@link io.jmio.poll.Poll}'s readiness model: io_uring on Linux
 * ({@code open("io_uring")}); an IOCP backend could serve the same operations with overlapped I/O,
 * and each operation's javadoc says what it would be there.
 *
 * <pre>{@code
 * try (CompletionQueue q = CompletionQueue.open()) {
 *     q.accept(listener, ACCEPT);                // multishot: one completion per connection
 *     Completions c = new Completions(256);
 *     while (true) {
 *         q.reap(c, -1);                         // submits what is queued, waits for >= 1
 *         for (int i = 0; i < c.size(); i++) { ... c.token(i), c.result(i) ... }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Sockets.</b> It works on jmio's {@link TcpStream}, {@link TcpListener}, {@link UnixStream},
 * {@link UnixListener}, {@link UdpSocket} and {@link UnixDatagram} (datagrams with their addresses:
 * {@link #recvmsg}, {@link #sendmsg} and a reusable {@link Message}). For every operation in flight
 * the queue holds a reference on the socket's {@link HandleGuard}, dropped when the operation's last
 * completion is reaped: a socket closed meanwhile keeps its descriptor number until then, so a queued operation never reaches a number the kernel has handed out again.
 * <ul>
 * <li><b>One queue at a time.</b> While a socket has operations in flight on one queue, submitting
 * one on another queue throws {@link IllegalStateException} (both queues stay usable); once the last
 * of them is reaped, another queue may take the socket (a hand-over between threads must be ordered
 * by the application, as for any object that is not thread-safe). A socket registered with a
 * readiness {@link io.jmio.poll.Poll} is refused too, and registering a socket with operations in
 * flight is refused by the poll: a readiness loop and the queue would race on its bytes.</li>
 * <li><b>Close cancels.</b> Plain {@code close()} of a socket, from any thread, marks it closed and
 * tells its queue, which wakes from a waiting {@link #reap} and, in it, cancels the socket's
 * operations (queued or in flight: io_uring's {@code IORING_OP_ASYNC_CANCEL} of every request on the
 * descriptor, while the references in flight still keep the number); they complete with
 * {@code -ECANCELED} (or their own result, if they were done), and the last one reaped closes the
 * descriptor. {@link #close(Guarded, long)} does the same from the queue's thread, with a completion
 * of its own.</li>
 * </ul>
 *
 * <p><b>Buffers.</b> recv and send take direct {@link ByteBuffer}s (recvmsg and sendmsg the buffer of
 * their {@link Message}), read or written by the kernel
 * from their position up to their limit at some later time: they must not be touched until the
 * operation completes. The queue keeps them reachable meanwhile; it never moves their position (the
 * caller advances it by the completion's result).
 *
 * <p><b>Errors.</b> A failed operation completes with a negative result, {@code -errno}, named by
 * {@link Completions#errnoName(int)}. A failure to submit (the kernel refusing the queue's system
 * call, a closed socket, too many operations in flight) is thrown: {@link io.jmio.poll.SyscallException},
 * {@link java.nio.channels.ClosedChannelException}, {@link IllegalStateException}. A full submission
 * ring is not an error: the queue hands the kernel what it holds and goes on.
 *
 * <p><b>Provided buffers.</b> {@link #recvMultishot} receives into a {@link BufferRing} of this
 * queue's ({@link #bufferRing}): the kernel picks a buffer per completion and the application
 * recycles it when done; see {@link BufferRing}.
 *
 * <p>Steady state (submitting and reaping recv and send, recvmsg and sendmsg with reused
 * {@link Message}s, reaping multishot receives and recycling their buffers) allocates nothing.
 *
 * <p>Threading: not thread-safe: one thread submits and reaps. {@link #wakeup()} may be called from any
 * thread, and the sockets it holds operations on may be closed from any thread (see above). On
 * io_uring a request belongs to the thread whose {@link #reap} or {@link #submit} handed it to the
 * kernel: once that thread has exited, a multishot operation in flight (accept, multishot receive)
 * ends with {@code -ECANCELED} at a later event; after handing a queue to another thread that
 * outlives the first, submit such operations again from it.
 */
public abstract class CompletionQueue implements AutoCloseable {
    /** The default submission ring size of {@link #open()}. */
    public static final int DEFAULT_ENTRIES = 256;

    private final Slots slots;
    private final BufferGroups groups = new BufferGroups();
    /** This queue as the owner of the sockets it has operations on, and their closes from any thread. */
    private final ClosedSockets owner = new ClosedSockets(this);
    private boolean closed;

    /**
     * @param maxInFlight the most operations in flight at once
     */
    protected CompletionQueue(int maxInFlight) {
        slots = new Slots(maxInFlight);
    }

    // ---- opening ----------------------------------------------------------------------------

    /**
     * @return a queue on the first available completion backend on the class path
     * @throws IOException if none is available (the causes are named) or the kernel refuses
     */
    public static CompletionQueue open() throws IOException {
        return CompletionBackends.openFirst(DEFAULT_ENTRIES);
    }

    /**
     * @param backendName e.g. {@code io_uring}, case-insensitive
     * @return a queue on that backend, with {@link #DEFAULT_ENTRIES} entries
     * @throws IOException if it is absent, unavailable (the cause is named) or the kernel refuses
     */
    public static CompletionQueue open(String backendName) throws IOException {
        return open(backendName, DEFAULT_ENTRIES);
    }

    /**
     * @param backendName e.g. {@code io_uring}, case-insensitive
     * @param entries     the submission ring's size
     * @return a queue on that backend
     * @throws IOException if it is absent, unavailable (the cause is named) or the kernel refuses
     */
    public static CompletionQueue open(String backendName, int entries) throws IOException {
        return CompletionBackends.open(backendName, entries);
    }

    // ---- operations -------------------------------------------------------------------------

    /**
     * Accepts connections, multishot: one completion per connection, each with {@link Completions#MORE}
     * while the request stays armed; its result is the new connection's descriptor (non-blocking,
     * close-on-exec), to adopt with {@code TcpStream.fromFd}. A completion without {@code MORE} ends it
     * (e.g. {@code ECANCELED}); submit again to go on. On IOCP: {@code AcceptEx} with a pre-created
     * socket, re-posted after each completion by the backend.
     *
     * @throws IOException if the listener is closed or the submission fails
     * @param listener the listening socket
     * @param token the caller's token, reported with the completion
     */
    public final void accept(TcpListener listener, long token) throws IOException {
        operation(listener, token, ACCEPT, null, null, null, 0, 0);
    }

    /**
     * Accepts Unix-domain connections, multishot, as {@link #accept(TcpListener, long)} does; each
     * result is a descriptor to adopt with {@code UnixStream.fromFd}. On IOCP: {@code AcceptEx} on an
     * {@code AF_UNIX} socket.
     *
     * @param listener the listening socket
     * @param token    the caller's token, reported with the completion
     * @throws IOException if the listener is closed or the submission fails
     */
    public final void accept(UnixListener listener, long token) throws IOException {
        operation(listener, token, ACCEPT, null, null, null, 0, 0);
    }

    /**
     * Opens a stream socket and connects it to {@code address}; the completion's result is 0 once
     * connected, or {@code -errno} ({@code ECONNREFUSED}, {@code ETIMEDOUT}, ...). The stream is
     * returned at once, and must not be used for I/O before the completion. On IOCP: {@code ConnectEx}
     * on a socket bound to the wildcard address first.
     *
     * @param address a resolved address
     * @return the stream, connecting
     * @throws IOException if the socket cannot be opened or the submission fails (the socket is closed)
     * @param token the caller's token, reported with the completion
     */
    public final TcpStream connect(InetSocketAddress address, long token) throws IOException {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        SocketSystem sys = SocketSystem.current();
        long fd = sys.open(address.getAddress() instanceof Inet6Address, true);
        TcpStream stream;
        try {
            stream = TcpStream.fromFd((int) fd);
        } catch (IOException | RuntimeException e) {
            sys.closeQuietly(fd, e);
            throw e;
        }
        HandleGuard g = stream.guard();
        int slot = -1;
        try {
            enter(g);
            slot = take(token, CONNECT, g, null);
            prepConnect(slots.userData(slot), fd, slot, address);
        } catch (IOException | RuntimeException e) {
            try {
                if (slot >= 0) {
                    abandon(slot);
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                stream.close(); // nobody else has it: a refused connect must not leak its socket
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return stream;
    }

    /**
     * Receives into {@code dst}, from its position up to its limit, once; the result is the bytes
     * received (0: the peer shut down its side). On IOCP: {@code WSARecv} with an {@code OVERLAPPED}.
     *
     * @param dst a direct, writable buffer with room, untouched by the caller until the completion
     * @throws IllegalArgumentException if {@code dst} is not direct, is read-only, or has no room (a
     *                                  receive of 0 bytes would complete with 0, end of stream's result)
     * @throws IOException if the stream is closed or the submission fails
     * @param stream the connected stream
     * @param token the caller's token, reported with the completion
     */
    public final void recv(TcpStream stream, ByteBuffer dst, long token) throws IOException {
        if (dst.isReadOnly() || !dst.hasRemaining()) {
            throw new IllegalArgumentException(dst.isReadOnly() ? "the kernel writes the buffer: it must not be read-only"
                    : "the buffer has no room: a receive of 0 bytes completes with 0, which means end of stream");
        }
        io(stream, dst, token, RECV);
    }

    /**
     * Sends {@code src} from its position up to its limit; the result is the bytes sent, which may be
     * fewer (submit the rest again). On IOCP: {@code WSASend} with an {@code OVERLAPPED}.
     *
     * @param src a direct buffer, untouched by the caller until the completion
     * @throws IOException if the stream is closed or the submission fails
     * @param stream the connected stream
     * @param token the caller's token, reported with the completion
     */
    public final void send(TcpStream stream, ByteBuffer src, long token) throws IOException {
        io(stream, src, token, SEND);
    }

    /**
     * Receives into the buffers of {@code ring}, multishot: the kernel picks a buffer each time bytes
     * arrive and posts one completion per buffer filled, with {@link Completions#MORE} while the
     * request stays armed. A completion's result is the bytes received into buffer
     * {@link Completions#bufferId(int) bufferId} (read them through {@link BufferRing#buffer(int)}, then
     * {@link BufferRing#recycle(int) recycle} it). A completion without {@code MORE} ends the request:
     * result 0 is the end of the stream (the peer shut down its side); {@code -ENOBUFS} means the
     * ring ran dry (the bytes wait in the socket: recycle buffers and submit again, nothing is lost);
     * {@code -ECANCELED} a {@link #cancel}; other errors as {@link #recv}'s; a positive result without
     * {@code MORE} is bytes received as usual, after which the kernel ended the request (it does when
     * the completion ring overflows): submit again to go on. While it is in flight the
     * ring cannot be closed. On IOCP (no provided buffers): the backend takes a free buffer from the
     * ring, posts an overlapped {@code WSARecv} into it and posts the next when it completes.
     *
     * @param stream the connected stream
     * @param ring   a ring of this queue, open
     * @param token  the caller's token, reported with each completion
     * @throws IllegalArgumentException if the ring belongs to another queue
     * @throws IllegalStateException    if the ring is closed, or too many operations are in flight
     * @throws IOException              if the stream is closed or the submission fails
     */
    public final void recvMultishot(TcpStream stream, BufferRing ring, long token) throws IOException {
        if (Objects.requireNonNull(ring, "ring").queue() != this) {
            throw new IllegalArgumentException(ring + " belongs to another completion queue");
        }
        if (!ring.isOpen()) {
            throw new IllegalStateException(ring + " is closed");
        }
        operation(stream, token, RECV_MULTI, null, null, ring, 0, 0);
    }

    /**
     * Makes a ring of {@code count} buffers of {@code size} bytes for {@link #recvMultishot}, every
     * buffer lent to the kernel, under a buffer-group id of this queue's. Set-up work: it allocates
     * and makes a system call. Closed by {@link BufferRing#close()} or with the queue.
     *
     * @param count the buffers, a power of two up to {@link BufferRing#MAX_COUNT}
     * @param size  each buffer's bytes, at least 1 ({@code count * size} at most {@link Integer#MAX_VALUE})
     * @return the ring
     * @throws IllegalArgumentException      if {@code count} or {@code size} is out of range
     * @throws UnsupportedOperationException if the backend or the kernel has no provided buffers (the
     *                                       reason is named)
     * @throws IOException                   if the kernel refuses the registration
     */
    public final BufferRing bufferRing(int count, int size) throws IOException {
        checkOpen();
        BufferRing.check(count, size);
        BufferRing ring = openBufferRing(groups.free(), count, size);
        groups.add(ring);
        return ring;
    }

    /** The ring closed itself: its group id is free again. */
    final void forget(BufferRing ring) {
        groups.remove(ring);
    }

    /**
     * Receives into {@code dst} from a Unix-domain stream, as {@link #recv(TcpStream, ByteBuffer, long)}
     * does from TCP (on IOCP: {@code WSARecv} on an {@code AF_UNIX} socket, Windows 10 1803 and later).
     *
     * @param stream the connected stream
     * @param dst    a direct buffer, untouched by the caller until the completion
     * @param token  the caller's token, reported with the completion
     * @throws IOException if the stream is closed or the submission fails
     */
    public final void recv(UnixStream stream, ByteBuffer dst, long token) throws IOException {
        io(stream, dst, token, RECV);
    }

    /**
     * Sends {@code src} on a Unix-domain stream, as {@link #send(TcpStream, ByteBuffer, long)} does on
     * TCP; a peer that closed makes it complete with {@code -EPIPE}, raising no signal (on IOCP:
     * {@code WSASend} on an {@code AF_UNIX} socket).
     *
     * @param stream the connected stream
     * @param src    a direct buffer, untouched by the caller until the completion
     * @param token  the caller's token, reported with the completion
     * @throws IOException if the stream is closed or the submission fails
     */
    public final void send(UnixStream stream, ByteBuffer src, long token) throws IOException {
        io(stream, src, token, SEND);
    }

    private void io(Guarded stream, ByteBuffer buf, long token, byte kind) throws IOException {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("the kernel reads and writes the buffer later: it must be direct");
        }
        if (kind == RECV && buf.isReadOnly()) {
            throw new IllegalArgumentException("a receive writes the buffer: it must not be read-only");
        }
        operation(stream, token, kind, buf, null, null, NativeMemory.address(buf) + buf.position(), buf.remaining());
    }

    /**
     * Receives one datagram into {@code message}'s buffer (from its position up to its limit) and its
     * sender's address into the message; the result is the bytes put into the buffer. A datagram longer
     * than the room is cut: the result is the room, and {@link Message#truncated()} says so. On a
     * connected socket whose datagram met a closed port (ICMP port unreachable) it completes with
     * {@code -ECONNREFUSED}. On IOCP: {@code WSARecvFrom} (or {@code WSARecvMsg}, for the flags) with
     * an {@code OVERLAPPED}, the address written at completion as here.
     *
     * @param socket  the UDP socket
     * @param message a message with a direct buffer, not in flight; it is the kernel's until the
     *                completion is reaped
     * @param token   the caller's token, reported with the completion
     * @throws IllegalStateException    if the message is in flight or has no buffer
     * @throws IllegalArgumentException if its buffer is read-only
     * @throws IOException              if the socket is closed or the submission fails
     */
    public final void recvmsg(UdpSocket socket, Message message, long token) throws IOException {
        operation(socket, token, RECVMSG, message.buffer(), message, null, message.prepareReceive(), 0);
    }

    /**
     * Sends {@code message}'s buffer (from its position up to its limit) as one datagram to its
     * {@link Message#destination(InetSocketAddress) destination}, or to the connected peer if it has
     * none; the result is the bytes sent. On a connected socket whose earlier datagram met a closed port
     * it may complete with {@code -ECONNREFUSED}. On IOCP: {@code WSASendTo} (or {@code WSASendMsg})
     * with an {@code OVERLAPPED}.
     *
     * @param socket  the UDP socket
     * @param message a message with a direct buffer, not in flight; it is the kernel's until the
     *                completion is reaped
     * @param token   the caller's token, reported with the completion
     * @throws IllegalStateException if the message is in flight or has no buffer
     * @throws IOException           if the socket is closed or the submission fails
     */
    public final void sendmsg(UdpSocket socket, Message message, long token) throws IOException {
        operation(socket, token, SENDMSG, message.buffer(), message, null, message.prepareSend(), 0);
    }

    /**
     * Receives one datagram from a Unix-domain datagram socket, as {@link #recvmsg(UdpSocket, Message,
     * long)} does from UDP: the result is the bytes put into the buffer, {@link Message#truncated()}
     * says whether the datagram was cut. The sender's address is kept in the message for
     * {@link Message#replyToSource()} (a bound sender's; an unnamed one cannot be answered), but not
     * decoded: {@link Message#source()} reads internet addresses only. On IOCP: none (Windows has no
     * Unix datagrams).
     *
     * @param socket  the Unix-domain datagram socket
     * @param message a message with a direct buffer, not in flight; it is the kernel's until the
     *                completion is reaped
     * @param token   the caller's token, reported with the completion
     * @throws IllegalStateException    if the message is in flight or has no buffer
     * @throws IllegalArgumentException if its buffer is read-only
     * @throws IOException              if the socket is closed or the submission fails
     */
    public final void recvmsg(UnixDatagram socket, Message message, long token) throws IOException {
        operation(socket, token, RECVMSG, message.buffer(), message, null, message.prepareReceive(), 0);
    }

    /**
     * Sends one datagram on a Unix-domain datagram socket: to the connected peer (a
     * {@link UnixDatagram#pair() pair}'s other end, or after {@code connect}), or to the source of the
     * message's last receive after {@link Message#replyToSource()}; explicit Unix destinations are not
     * offered ({@link Message#destination(InetSocketAddress)} takes internet addresses). The result is
     * the bytes sent. On IOCP: none (Windows has no Unix datagrams).
     *
     * @param socket  the Unix-domain datagram socket
     * @param message a message with a direct buffer, not in flight; it is the kernel's until the
     *                completion is reaped
     * @param token   the caller's token, reported with the completion
     * @throws IllegalStateException if the message is in flight or has no buffer
     * @throws IOException           if the socket is closed or the submission fails
     */
    public final void sendmsg(UnixDatagram socket, Message message, long token) throws IOException {
        operation(socket, token, SENDMSG, message.buffer(), message, null, message.prepareSend(), 0);
    }

    /**
     * The one shape of an operation on a socket: a reference on its guard, a slot, the backend's
     * entry; on a failure the slot and the reference are given back, so the queue stays usable.
     *
     * @param ring    the buffer ring of a multishot receive, else null
     * @param address a buffer's native address (recv, send) or a {@code msghdr}'s (recvmsg, sendmsg);
     *                unused by accept and the multishot receive
     * @param length  the buffer's length (recv, send)
     */
    private void operation(Guarded socket, long token, byte kind, ByteBuffer buf, Message message, BufferRing ring,
            long address, int length) throws IOException {
        HandleGuard g = socket.guard();
        long fd = enter(g);
        int slot = take(token, kind, g, buf);
        if (message != null) {
            slots.message(slot, message);
        }
        try {
            long userData = slots.userData(slot);
            switch (kind) {
                case ACCEPT -> prepAccept(userData, fd);
                case RECV -> prepRecv(userData, fd, address, length);
                case SEND -> prepSend(userData, fd, address, length);
                case RECV_MULTI -> {
                    slots.ring(slot, ring);
                    prepRecvMultishot(userData, fd, ring.group());
                }
                case RECVMSG -> prepRecvmsg(userData, fd, address);
                case SENDMSG -> prepSendmsg(userData, fd, address);
                default -> throw new AssertionError("not a socket operation: " + kind);
            }
        } catch (IOException | RuntimeException e) {
            abandon(slot);
            throw e;
        }
    }

    /**
     * Completes after {@code nanos} with result {@code -ETIME}. On IOCP: a waitable timer whose
     * expiry the backend posts to the port ({@code PostQueuedCompletionStatus}).
     *
     * @throws IOException if the submission fails
     * @param nanos the time, in nanoseconds
     * @param token the caller's token, reported with the completion
     */
    public final void timeout(long nanos, long token) throws IOException {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative timeout: " + nanos);
        }
        int slot = take(token, TIMEOUT, null, null);
        try {
            prepTimeout(slots.userData(slot), slot, nanos);
        } catch (IOException | RuntimeException e) {
            abandon(slot);
            throw e;
        }
    }

    /**
     * Cancels the operation in flight submitted with {@code target}: it completes with
     * {@code -ECANCELED} (or with its own result, if it was done already); this request completes under
     * {@code token} with 0, or {@code -ENOENT}/{@code -EALREADY} if the target was done or finishing.
     * On IOCP: {@code CancelIoEx} of the target's {@code OVERLAPPED} (it then completes with
     * {@code ERROR_OPERATION_ABORTED}).
     *
     * <p>The target is found by token: if several operations in flight carry {@code target}, one of
     * them is cancelled, which one is unspecified (give operations to cancel tokens of their own). If
     * none is in flight, this request completes with {@code -ENOENT}, as the kernel reports a target
     * that is done: a batch of completions may hold a multishot operation's completions with
     * {@link Completions#MORE} and, later in the same batch, its last one, so while the application
     * handles the first the operation is no longer in flight; a cancel then is no error.
     *
     * @throws IOException           if the submission fails
     * @param target the token of the operation to cancel
     * @param token the caller's token, reported with the completion
     */
    public final void cancel(long target, long token) throws IOException {
        int targetSlot = slots.find(target);
        int slot = take(token, CANCEL, null, null);
        try {
            prepCancel(slots.userData(slot), targetSlot < 0 ? Slots.NO_OPERATION : slots.userData(targetSlot));
        } catch (IOException | RuntimeException e) {
            abandon(slot);
            throw e;
        }
    }

    /**
     * Closes a socket with operations in flight: marks it closed (later operations on it fail with
     * {@code ClosedChannelException}) and cancels every operation of this queue on it; this request
     * completes under {@code token} with the number cancelled. The descriptor itself is closed when the
     * last of them is reaped, so no queued operation reaches a reused number. Plain {@code close()}
     * of the socket cancels them too (see the class javadoc), without a completion of its own. On IOCP:
     * {@code CancelIoEx(socket, NULL)}, then {@code closesocket} once the aborted operations are dequeued.
     *
     * @param socket a {@link TcpStream}, {@link TcpListener}, {@link UdpSocket}, {@link UnixStream},
     *               {@link UnixListener} or {@link UnixDatagram}
     * @throws IOException if the socket is closed already or the submission fails
     * @param token the caller's token, reported with the completion
     */
    public final void close(Guarded socket, long token) throws IOException {
        HandleGuard g = socket.guard();
        long fd = enter(g);
        int slot = take(token, CLOSE, g, null);
        try {
            prepCancelAll(slots.userData(slot), fd);
        } catch (IOException | RuntimeException e) {
            abandon(slot);
            throw e;
        }
        owner.closingHere(g); // the cancel is queued: the close hook need not queue another
        try {
            g.close(); // drops the owner's reference; the references in flight keep the number until reaped
        } finally {
            owner.closingHere(null);
        }
    }

    /**
     * Makes a {@link #reap} that waits return, now or, if none is waiting, the next one (with zero or
     * more completions); wake-ups before a reap collapse into one. Does nothing once the queue is
     * closed. It is for the completion queue what {@link io.jmio.poll.Waker} is for a poll. On IOCP:
     * {@code PostQueuedCompletionStatus} of a packet of the backend's own.
     *
     * <p>Threading: thread-safe, callable from any thread.
     *
     * @throws IOException if the backend's wake-up call fails
     */
    public final void wakeup() throws IOException {
        wake();
    }

    // ---- reaping ----------------------------------------------------------------------------

    /**
     * Hands the kernel the operations submitted since the last call and reaps completions.
     *
     * <p>A reap that waits returns early, maybe with no completion, after {@link #wakeup()} or after a
     * socket with operations on this queue was closed (whose cancellation it then submits).
     *
     * @param into         receives up to its capacity of completions
     * @param timeoutNanos 0: do not wait; negative: wait for at least one (or a wake-up); else at most this long
     * @return the number reaped, also {@code into.size()}
     * @throws IOException from the backend's system call, or from the deferred close of a socket whose
     *                     last operation was reaped (the completions are in {@code into} all the same)
     */
    public final int reap(Completions into, long timeoutNanos) throws IOException {
        checkOpen();
        beforeEnter();
        long[] ud = into.tokens;
        int n = drain(ud, into.results, into.flags, ud.length, timeoutNanos);
        if (n == 0 && owner.pending()) { // woken by a close: cancel now and collect what that ended
            owner.cancel();
            n = drain(ud, into.results, into.flags, ud.length, 0);
        }
        IOException failure = null;
        for (int i = 0; i < n; i++) {
            int slot = (int) ud[i];
            byte kind = slots.kind(slot);
            ud[i] = slots.token(slot);
            if (kind == CLOSE && into.results[i] == -enoent()) {
                into.results[i] = 0;
            }
            if (kind == RECV_MULTI && (into.flags[i] & Completions.BUFFER) != 0) {
                slots.ring(slot).taken(into.flags[i] >>> Completions.BUFFER_SHIFT);
            }
            if ((into.flags[i] & Completions.MORE) == 0) {
                failure = slots.release(slot, failure);
            }
        }
        into.size = n;
        into.from = this;
        if (failure != null) {
            throw failure;
        }
        return n;
    }

    /**
     * Hands the kernel the operations submitted since the last call, without reaping (one system
     * call if there are any; {@link #reap} does this too).
     *
     * @throws IOException from the backend's system call
     */
    public final void submit() throws IOException {
        checkOpen();
        beforeEnter();
        flush();
    }

    /**
     * What the next system call must carry: the buffers recycled since the last one, and the
     * cancellation of sockets closed from other threads.
     */
    private void beforeEnter() throws IOException {
        groups.publishRecycled();
        if (owner.pending()) {
            owner.cancel();
        }
    }

    /** @return the operations in flight (submitted, last completion not yet reaped) */
    public final int inFlight() {
        return slots.inFlight();
    }

    /** @return the most operations in flight at once */
    public final int capacity() {
        return slots.capacity();
    }

    /**
     * Closes the queue: the kernel cancels what is in flight; the sockets' references are dropped
     * (a socket closed meanwhile is closed now). Idempotent.
     *
     * @throws IOException from the backend's close, or a socket's deferred close
     */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            closeQueue();
        } catch (IOException e) {
            failure = e;
        }
        failure = slots.releaseAll(owner, failure);
        failure = groups.closeAll(failure);
        owner.clear();
        if (failure != null) {
            throw failure;
        }
    }

    // ---- slots ------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("completion queue is closed");
        }
    }

    /**
     * Claims the socket for this queue and enters an operation on it; pair it with {@link #take}
     * (whose failure, and the slot's release, undo both).
     */
    private long enter(HandleGuard g) throws IOException {
        g.claim(owner); // before acquire: a close that the acquire does not see sees this queue (see claim)
        try {
            return g.acquire();
        } catch (IOException | RuntimeException e) {
            g.unclaim();
            throw e;
        }
    }

    /** Takes a slot; the guard's claim and reference (taken by {@link #enter}) are dropped if none is free. */
    private int take(long token, byte kind, HandleGuard g, ByteBuffer buf) throws IOException {
        if (closed || slots.full()) {
            if (g != null) {
                g.unclaim();
                g.release();
            }
            checkOpen();
            throw new IllegalStateException("too many operations in flight on this completion queue ("
                    + slots.capacity() + "): reap completions first");
        }
        return slots.take(token, kind, g, buf);
    }

    private void abandon(int slot) throws IOException {
        IOException e = slots.release(slot, null);
        if (e != null) {
            throw e;
        }
    }

    /** @return whether {@link #close()} was called (read by socket closes on any thread, as before) */
    final boolean isClosed() {
        return closed;
    }

    // ---- the backend ------------------------------------------------------------------------

    /**
     * Queues a multishot accept on listening descriptor {@code fd}, under {@code userData}.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd the descriptor
     * @throws IOException if the call fails
     */
    protected abstract void prepAccept(long userData, long fd) throws IOException;

    /**
     * Queues a connect; {@code slot} (below {@link #capacity()}) names per-operation memory for the address.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd the descriptor
     * @param slot the operation's slot, below {@link #capacity()}
     * @param address the native address of the buffer
     * @throws IOException if the call fails
     */
    protected abstract void prepConnect(long userData, long fd, int slot, InetSocketAddress address) throws IOException;

    /**
     * Queues a single-shot receive of {@code length} bytes at {@code address}.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd the descriptor
     * @param address the native address of the buffer
     * @param length the number of bytes
     * @throws IOException if the call fails
     */
    protected abstract void prepRecv(long userData, long fd, long address, int length) throws IOException;

    /**
     * Queues a multishot receive on {@code fd} into the buffers of group {@code group}
     * ({@link #openBufferRing}'s), each completion naming its buffer in its flags
     * ({@link Completions#BUFFER}, the id in bits 16 to 31).
     *
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd       the descriptor
     * @param group    the buffer-group id of the ring
     * @throws IOException if the call fails
     */
    protected abstract void prepRecvMultishot(long userData, long fd, int group) throws IOException;

    /**
     * Registers a ring of {@code count} buffers of {@code size} bytes under buffer-group id
     * {@code group} (free on this queue); arguments checked already.
     *
     * @param group the buffer-group id
     * @param count the buffers, a power of two up to {@link BufferRing#MAX_COUNT}
     * @param size  each buffer's bytes
     * @return the ring, every buffer lent to the kernel
     * @throws UnsupportedOperationException if the backend or kernel has no provided buffers (say why)
     * @throws IOException                   if the kernel refuses
     */
    protected abstract BufferRing openBufferRing(int group, int count, int size) throws IOException;

    /**
     * Queues a send of {@code length} bytes at {@code address}.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd the descriptor
     * @param address the native address of the buffer
     * @param length the number of bytes
     * @throws IOException if the call fails
     */
    protected abstract void prepSend(long userData, long fd, long address, int length) throws IOException;

    /**
     * Queues a receive of one message ({@code recvmsg(2)}) described by the {@code msghdr} at
     * {@code msghdr}, which with the memory it points to stays valid and untouched until the completion.
     *
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd       the descriptor
     * @param msghdr   the native address of a {@code struct msghdr} laid out as {@link io.jmio.poll.posix.MsghdrDescriptor}
     * @throws IOException if the call fails
     */
    protected abstract void prepRecvmsg(long userData, long fd, long msghdr) throws IOException;

    /**
     * Queues a send of one message ({@code sendmsg(2)}) described by the {@code msghdr} at
     * {@code msghdr}, which with the memory it points to stays valid and untouched until the completion.
     *
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd       the descriptor
     * @param msghdr   the native address of a {@code struct msghdr} laid out as {@link io.jmio.poll.posix.MsghdrDescriptor}
     * @throws IOException if the call fails
     */
    protected abstract void prepSendmsg(long userData, long fd, long msghdr) throws IOException;

    /**
     * Queues a relative timeout; {@code slot} (below {@link #capacity()}) names per-operation memory.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param slot the operation's slot, below {@link #capacity()}
     * @param nanos the time, in nanoseconds
     * @throws IOException if the call fails
     */
    protected abstract void prepTimeout(long userData, int slot, long nanos) throws IOException;

    /**
     * Queues the cancellation of the request with user data {@code target}.
     *
     * @param userData the kernel's user data for the cancel request itself (its slot and generation)
     * @param target   the kernel's user data of the request to cancel
     * @throws IOException if the call fails
     */
    protected abstract void prepCancel(long userData, long target) throws IOException;

    /**
     * Queues the cancellation of every request on {@code fd}; completes with the number cancelled.
     * @param userData the kernel's user data for the request (its slot and generation)
     * @param fd the descriptor
     * @throws IOException if the call fails
     */
    protected abstract void prepCancelAll(long userData, long fd) throws IOException;

    /**
     * Queues, as a request of the backend's own (its completion is not copied by {@link #drain}), the
     * cancellation of every request on {@code fd}, a socket closed with operations in flight.
     *
     * @param fd the descriptor, still open: the operations in flight hold it
     * @throws IOException if the call fails
     */
    protected abstract void prepCancelClosed(long fd) throws IOException;

    /**
     * Wakes a {@link #drain} that waits, or makes the next one return; thread-safe; does nothing once
     * {@link #closeQueue()} ran.
     *
     * @throws IOException if the call fails
     */
    protected abstract void wake() throws IOException;

    /**
     * Submits what is queued and copies up to {@code max} completions, waiting as {@link #reap} says
     * (a {@link #wake()} ends the wait, maybe with none copied); completions of the backend's own
     * requests are not copied.
     *
     * @return the completions copied: user data, result and flags (with {@link Completions#MORE} as bit 1,
     *         {@link Completions#BUFFER} as bit 0 and then the buffer id in bits 16 to 31)
     * @param userData     filled with each completion's user data
     * @param results      filled with each completion's result
     * @param flags        filled with each completion's flags
     * @param max          the most completions to copy
     * @param timeoutNanos as {@link #reap}'s: 0 do not wait; negative wait for at least one; else at most this long
     * @throws IOException if the call fails
     */
    protected abstract int drain(long[] userData, int[] results, int[] flags, int max, long timeoutNanos) throws IOException;

    /**
     * Submits what is queued, without waiting.
     * @throws IOException if the call fails
     */
    protected abstract void flush() throws IOException;

    /**
     * Releases the kernel queue.
     * @throws IOException if the call fails
     */
    protected abstract void closeQueue() throws IOException;

    /**
     * @param errno a positive errno of this backend's OS
     * @return its symbolic name
     */
    protected abstract String errnoName(int errno);

    /** @return this OS's {@code ENOENT} */
    protected abstract int enoent();
}
