package io.jmio.poll.completion;

import io.jmio.poll.posix.MsghdrDescriptor;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Sockaddr;
import io.jmio.poll.posix.SockaddrIn6Descriptor;
import io.jmio.poll.posix.SockaddrInDescriptor;
import io.jmio.poll.posix.SockaddrLayout;
import io.jmio.poll.posix.SocketConstants;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One datagram's message for {@link CompletionQueue#recvmsg} and {@link CompletionQueue#sendmsg}: the
 * native {@code struct msghdr}, its one {@code iovec} and a {@code sockaddr_storage} for the peer's
 * address, in memory of its own, reused from one operation to the next so that steady state
 * allocates nothing.
 *
 * <pre>{@code
 * Message in = new Message().buffer(NativeMemory.allocate(1500));
 * q.recvmsg(socket, in, RECV);
 * // on RECV's completion with n >= 0 bytes: in.buffer() holds them from its position
 * if (!in.truncated()) {
 *     in.buffer().limit(in.buffer().position() + n);
 *     in.replyToSource();                    // the sender becomes the destination: nothing decoded
 *     q.sendmsg(socket, in, SEND);           // echo
 * }
 * }</pre>
 *
 * <p><b>Layout</b> (one native block; offsets for Linux, whose {@code msghdr} is 56 bytes; 48 on the BSDs):
 * <pre>
 *   0  struct msghdr      MsghdrDescriptor: msg_name -&gt; 72, msg_iov -&gt; 56, msg_iovlen 1,
 *                          no control data (msg_control NULL), msg_flags written back by recvmsg
 *  56  struct iovec       iov_base, iov_len: the buffer from its position to its limit
 *  72  sockaddr_storage   128 bytes: the destination of a sendmsg, the source of a recvmsg
 * 200
 * </pre>
 *
 * <p><b>The buffer</b> ({@link #buffer(ByteBuffer)}) is direct; its position and limit are read when
 * the operation is submitted, and never moved (the completion's result says how many bytes).
 *
 * <p><b>Destination of a send.</b> {@link #destination(InetSocketAddress)} encodes the address into
 * the message once; sending again to the same {@code InetSocketAddress} instance does not encode it
 * again, so a caller that keeps its peer's address object sends without allocating. After a receive,
 * {@link #replyToSource()} makes the sender the destination without decoding it. With no destination
 * ({@code destination(null)}, the initial state) the socket must be connected.
 *
 * <p><b>Source of a receive</b>, once its completion is reaped: {@link #source()} decodes it into an
 * {@link InetSocketAddress}, and returns the same instance again while datagrams keep coming from the
 * same address (it allocates only when the sender changes); {@link #sourcePort()} and
 * {@link #sourceAddress(byte[])} read it without allocating at all. {@link #truncated()} says whether
 * the datagram was longer than the buffer's room ({@code MSG_TRUNC}: the buffer holds its first bytes).
 *
 * <p><b>In flight</b>: from submission until its completion is reaped the kernel reads and writes the
 * message (io_uring copies the {@code msghdr} when it takes the request, but writes the source address,
 * {@code msg_namelen} and {@code msg_flags} back into it at completion); every method of it then throws
 * {@link IllegalStateException}, except {@link #inFlight()} and {@link #buffer()}, and submitting it
 * again is refused. The queue keeps it and its buffer reachable meanwhile.
 *
 * <p>It serves Unix-domain datagram sockets too ({@link CompletionQueue#recvmsg(io.jmio.poll.unix.UnixDatagram,
 * Message, long)}): connected, or replying to a bound sender with {@link #replyToSource()}; their
 * addresses are not decoded or encoded here. No ancillary data (control messages) in this version.
 *
 * <p>On IOCP the same parts would make a {@code WSAMSG} (name, one {@code WSABUF}, no control data,
 * flags) for an overlapped {@code WSARecvMsg}/{@code WSASendMsg}; a backend there would lay the block
 * out for Windows, behind the same methods.
 *
 * <p>Threading: not thread-safe; one thread, the queue's, uses it.
 */
public final class Message {
    private static final MsghdrDescriptor MSGHDR = MsghdrDescriptor.current();
    private static final Sockaddr SOCKADDR = Sockaddr.current();
    private static final int AF_INET6 = SocketConstants.current().afInet6;
    private static final int MSG_TRUNC = SocketConstants.current().msgTrunc;

    /** Offset of the {@code iovec}: after the {@code msghdr} (whose size is a multiple of 8). */
    static final int IOV_OFFSET = MSGHDR.size();
    /** Offset of the name area, a {@code sockaddr_storage}. */
    static final int NAME_OFFSET = IOV_OFFSET + MsghdrDescriptor.IOV_SIZE;
    /** The native block's size. */
    static final int SIZE = NAME_OFFSET + Sockaddr.STORAGE_SIZE;

    /** The native block (package-private for the layout test). */
    final ByteBuffer block = NativeMemory.allocate(SIZE);
    private final long address = NativeMemory.address(block);
    private ByteBuffer buffer;

    /** Length of the destination in the name area for a send; 0: none (msg_name NULL). */
    private int destinationLength;
    /** The address last encoded into the name area, while the name area still holds it. */
    private InetSocketAddress encoded;
    private int encodedLength;
    /** Whether the name area holds what the last recvmsg wrote (no destination encoded since). */
    private boolean received;

    /** The last source {@link #source()} decoded, and its raw bytes, to return it again without decoding. */
    private InetSocketAddress lastSource;
    private final byte[] lastSourceBytes = new byte[SockaddrIn6Descriptor.SIZE];
    private int lastSourceLength;

    /** Set by the queue from submission to the reaping of the completion. */
    boolean inFlight;

    /** Allocates a message with no buffer and no destination. */
    public Message() {
    }

    /**
     * @param buffer a direct buffer: a receive fills it from its position up to its limit, a send sends
     *               those bytes
     * @return this
     * @throws IllegalArgumentException if it is not direct
     * @throws IllegalStateException    if the message is in flight
     */
    public Message buffer(ByteBuffer buffer) {
        checkIdle();
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("the kernel reads and writes the buffer later: it must be direct");
        }
        this.buffer = buffer;
        return this;
    }

    /** @return the buffer, or null if none was given */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Sets where {@link CompletionQueue#sendmsg} sends: encoded now into the message; the same instance
     * again is not encoded again (an {@code InetSocketAddress} is immutable).
     *
     * @param target a resolved address, or null for none (a connected socket's peer)
     * @return this
     * @throws IllegalArgumentException if {@code target} is unresolved
     * @throws IllegalStateException    if the message is in flight
     */
    public Message destination(InetSocketAddress target) {
        checkIdle();
        if (target == null) {
            destinationLength = 0;
        } else if (target == encoded) {
            destinationLength = encodedLength;
        } else {
            if (target.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address " + target + ": resolve it first");
            }
            encoded = null;
            received = false;
            encodedLength = SOCKADDR.putInet(block, NAME_OFFSET, target);
            encoded = target;
            destinationLength = encodedLength;
        }
        return this;
    }

    /**
     * Makes the source of the last receive the destination of the next send, as the kernel wrote it
     * ({@code msg_namelen} bytes, of any family: a bound Unix-domain sender's too): nothing is decoded
     * or allocated.
     *
     * @return this
     * @throws IllegalStateException if the message is in flight, or holds no received source (its last
     *                               use was not a receive, the receive failed, or the sender is unnamed)
     */
    public Message replyToSource() {
        checkSource();
        int length = MSGHDR.nameLength(block, 0);
        if (SOCKADDR.layout().family(block, NAME_OFFSET) == 0 || length <= SockaddrLayout.FAMILY_HEADER_SIZE
                || length > Sockaddr.STORAGE_SIZE) {
            throw new IllegalStateException("the last receive reported no source address to reply to (it failed,"
                    + " or the sender is an unnamed socket)");
        }
        destinationLength = length;
        return this;
    }

    /** @return true from submission until the completion is reaped */
    public boolean inFlight() {
        return inFlight;
    }

    /**
     * @return whether the last received datagram was longer than the buffer's room ({@code MSG_TRUNC}
     *         in {@code msg_flags}; the buffer holds its first bytes and the rest is lost)
     * @throws IllegalStateException if the message is in flight
     */
    public boolean truncated() {
        return (flags() & MSG_TRUNC) != 0;
    }

    /**
     * @return {@code msg_flags} as the last receive left it (the OS's {@code MSG_*} bits), 0 before one
     * @throws IllegalStateException if the message is in flight
     */
    public int flags() {
        checkIdle();
        return MSGHDR.flags(block, 0);
    }

    /**
     * @return the sender of the last received datagram; the same instance as the previous call's while
     *         the sender's address is the same (a new one, allocated, when it changes); null if the
     *         receive failed before the kernel wrote an address, or the sender's is not an internet
     *         address (a Unix-domain socket's)
     * @throws IllegalStateException if the message is in flight, or was not used for a receive since
     *                               its destination was set
     */
    public InetSocketAddress source() {
        checkSource();
        int length = rawSourceLength();
        if (length == 0) {
            return null;
        }
        if (lastSource != null && length == lastSourceLength && sameAsLast(length)) {
            return lastSource;
        }
        InetSocketAddress decoded = SOCKADDR.getInet(block, NAME_OFFSET);
        for (int i = 0; i < length; i++) {
            lastSourceBytes[i] = block.get(NAME_OFFSET + i);
        }
        lastSourceLength = length;
        lastSource = decoded;
        return decoded;
    }

    /**
     * @return the sender's port, without allocating; -1 if the receive failed before the kernel wrote
     *         an address, or it is not an internet address
     * @throws IllegalStateException as {@link #source()}
     */
    public int sourcePort() {
        checkSource();
        int length = rawSourceLength();
        if (length == 0) {
            return -1;
        }
        int at = NAME_OFFSET + (length == SockaddrInDescriptor.SIZE
                ? SockaddrInDescriptor.PORT_OFFSET : SockaddrIn6Descriptor.PORT_OFFSET);
        return (block.get(at) & 0xff) << 8 | block.get(at + 1) & 0xff;
    }

    /**
     * Copies the sender's IP address, network byte order, without allocating.
     *
     * @param into receives 4 bytes (IPv4) or 16 (IPv6) from index 0
     * @return the number copied, 4 or 16; 0 if the receive failed before the kernel wrote an address,
     *         or it is not an internet address
     * @throws IllegalStateException     as {@link #source()}
     * @throws IndexOutOfBoundsException if {@code into} is too short for the address
     */
    public int sourceAddress(byte[] into) {
        checkSource();
        int length = rawSourceLength();
        if (length == 0) {
            return 0;
        }
        boolean v4 = length == SockaddrInDescriptor.SIZE;
        int n = v4 ? 4 : SockaddrIn6Descriptor.ADDR_LENGTH;
        Objects.checkFromIndexSize(0, n, into.length);
        int at = NAME_OFFSET + (v4 ? SockaddrInDescriptor.ADDR_OFFSET : SockaddrIn6Descriptor.ADDR_OFFSET);
        for (int i = 0; i < n; i++) {
            into[i] = block.get(at + i);
        }
        return n;
    }

    // ---- for the queue ----------------------------------------------------------------------

    /**
     * Fills the {@code msghdr} and {@code iovec} for a receive: the whole name area as room, the
     * family cleared (so a receive that fails reads as no source).
     *
     * @return the native address of the {@code msghdr}
     * @throws IllegalArgumentException if the buffer is read-only
     */
    long prepareReceive() {
        ByteBuffer b = checkSubmittable();
        if (b.isReadOnly()) {
            throw new IllegalArgumentException("a receive writes the buffer: it must not be read-only");
        }
        encoded = null;
        destinationLength = 0;
        received = true;
        block.putLong(NAME_OFFSET, 0);
        MSGHDR.put(block, 0, address + NAME_OFFSET, Sockaddr.STORAGE_SIZE, address + IOV_OFFSET, 1);
        putIov(b);
        return address;
    }

    /** @return the native address of the {@code msghdr}, filled for a send to the destination (if any) */
    long prepareSend() {
        ByteBuffer b = checkSubmittable();
        int namelen = destinationLength;
        MSGHDR.put(block, 0, namelen == 0 ? 0 : address + NAME_OFFSET, namelen, address + IOV_OFFSET, 1);
        putIov(b);
        return address;
    }

    private void putIov(ByteBuffer b) {
        block.putLong(IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET, NativeMemory.address(b) + b.position());
        block.putLong(IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET, b.remaining());
    }

    private ByteBuffer checkSubmittable() {
        if (inFlight) {
            throw new IllegalStateException("the message is in flight: submit it again after its completion is reaped");
        }
        if (buffer == null) {
            throw new IllegalStateException("the message has no buffer: give it one with buffer(ByteBuffer)");
        }
        return buffer;
    }

    // ---- reading the name area -----------------------------------------------------------------

    /** @return the length of the source's sockaddr (16 or 28), or 0 if the kernel wrote no internet address */
    private int rawSourceLength() {
        int family = SOCKADDR.layout().family(block, NAME_OFFSET);
        if (family == SocketConstants.AF_INET) {
            return SockaddrInDescriptor.SIZE;
        }
        return family == AF_INET6 ? SockaddrIn6Descriptor.SIZE : 0;
    }

    private boolean sameAsLast(int length) {
        for (int i = 0; i < length; i++) {
            if (lastSourceBytes[i] != block.get(NAME_OFFSET + i)) {
                return false;
            }
        }
        return true;
    }

    private void checkSource() {
        checkIdle();
        if (!received) {
            throw new IllegalStateException("the message holds no received source: its last use was not a recvmsg,"
                    + " or a destination was set since");
        }
    }

    private void checkIdle() {
        if (inFlight) {
            throw new IllegalStateException("the message is in flight: wait for its completion");
        }
    }

    @Override
    public String toString() {
        return "Message(" + (inFlight ? "in flight" : received ? "received" : destinationLength > 0
                ? "to " + encoded : "no destination") + ", buffer " + buffer + ")";
    }
}
