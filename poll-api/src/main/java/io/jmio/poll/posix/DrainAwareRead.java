package io.jmio.poll.posix;

import io.jmio.poll.SyscallFailure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * A stream read that also learns whether the kernel's receive queue was empty when the read returned,
 * so that an edge-triggered loop can stop without the extra read that would only say "would block"
 * (Linux only; the mode behind {@code TcpStream.setDrainDetection} and {@code UnixStream.setDrainDetection}).
 *
 * <p><b>Why not "a short read means drained".</b> A read that returns fewer bytes than asked for does
 * not, on Linux, prove that nothing is left: {@code tcp_recvmsg_locked} stops in front of the urgent
 * mark when it has copied anything (the mark is checked against {@code urg_seq} at the top of its copy
 * loop, and the chunk is cut to end at the mark), with or without {@code SO_OOBINLINE}, and stops after
 * the segment that carries the FIN, whose end-of-stream the next read reports and no new event
 * announces; {@code unix_stream_read_generic} stops after a message that carried descriptors
 * ({@code SCM_RIGHTS}, detached into the read's {@code scm_cookie}), at a change of writer when
 * {@code SO_PASSCRED} is on (its {@code unix_skb_scm_eq} check), and in front of a peer's
 * {@code MSG_OOB} byte ({@code manage_oob}, Linux 5.15+); and a heap buffer moves at most
 * {@value Staging#SIZE} bytes per call through {@link Staging}. Plain Unix stream reads otherwise glue
 * the messages of several writes into one read (measured on 6.18: five 3-byte sends, one 15-byte read).
 *
 * <p><b>What is used instead.</b> The kernel's own count: with {@code TCP_INQ} (TCP, Linux 4.18+) or
 * {@code SO_INQ} (Unix streams, Linux 6.17+) set, {@code recvmsg} returns, as a control message, the
 * bytes still queued after the read ({@code tcp_inq_hint}, which counts a received FIN as one byte "so
 * that user space keeps reading"; {@code unix_inq_len} for Unix). The read is reported as drained only if
 * it returned data, the count came back and was 0, and the control data was not truncated
 * ({@code MSG_CTRUNC}). That covers every case above: the urgent byte and the bytes after the mark, a
 * pending FIN, the messages after an {@code SCM_RIGHTS} message are all counted; the heap-staging cap
 * does not matter, since what is left in the kernel is counted, not what the buffer had room for.
 * Descriptors that arrive with {@code SCM_RIGHTS} are closed at once (as a plain {@code recv} lets
 * the kernel discard them). Anything that arrives after the count was taken raises a new edge event
 * ({@code sk_data_ready} runs after the data is queued). Two things the count leaves out: a TCP reset
 * that arrived with data (the data stays readable, the count is 0 after it, the next read fails with
 * {@code ECONNRESET}: measured on 6.18), and on Unix streams a peer's shutdown ({@code RCV_SHUTDOWN} is a
 * flag, not a queued byte). Both are announced in the event collected after them (error, read-closed)
 * and in no later one; the owning types document the rule: on such an event, read until -1 or failure.
 *
 * <p><b>Cost.</b> The same one system call as a plain read ({@code recvmsg} instead of {@code recv});
 * the {@code msghdr}, {@code iovec} and a 128-byte control area live in {@link NativeScratch}, so it
 * allocates nothing.
 *
 * <p>Threading: stateless; the scratch memory is per thread.
 */
public final class DrainAwareRead {
    /** {@code TCP_INQ} (level {@code IPPROTO_TCP}); its control message has the same type. */
    static final int TCP_INQ = 36;
    /** {@code SO_INQ} (level {@code SOL_SOCKET}, the generic Linux value); {@code SCM_INQ} is the same. */
    static final int SO_INQ = 84;
    /** {@code SCM_RIGHTS}. */
    static final int SCM_RIGHTS = 1;
    /** {@code MSG_CTRUNC}: control data was cut. */
    static final int MSG_CTRUNC = 0x8;
    /** {@code MSG_CMSG_CLOEXEC}: descriptors received close-on-exec (closed here at once anyway). */
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** Linux {@code SOL_SOCKET}. */
    private static final int SOL_SOCKET = 1;
    /** {@code sizeof(struct cmsghdr)} on LP64 Linux: {@code size_t} length, then level and type. */
    private static final int CMSG_HEADER = 16;
    /** The control area: the {@code sockaddr} part of the scratch, unused by a stream read. */
    private static final int CONTROL_OFFSET = NativeScratch.SOCKADDR_OFFSET;
    private static final int CONTROL_SIZE = 128;
    /** The bit of a result that says "drained". */
    private static final long DRAINED = 1L << 32;
    private static final MsghdrDescriptor MSGHDR = MsghdrDescriptor.current();

    private DrainAwareRead() {
    }

    /**
     * Asks the kernel to report the queued bytes with every read on {@code fd} ({@code TCP_INQ} or
     * {@code SO_INQ}).
     *
     * @param fd  a connected stream socket
     * @param tcp true for TCP, false for a Unix stream
     * @throws UnsupportedOperationException off Linux, or on a kernel without the option
     *                                       ({@code ENOPROTOOPT}: Unix streams need Linux 6.17+)
     * @throws IOException                   from {@code setsockopt}
     */
    public static void enable(int fd, boolean tcp) throws IOException {
        if (Platform.current() != Platform.LINUX) {
            throw new UnsupportedOperationException("drain detection needs Linux (TCP_INQ, SO_INQ); this is "
                    + Platform.current());
        }
        try {
            if (tcp) {
                Posix.setIntOption(fd, SocketConstants.IPPROTO_TCP, TCP_INQ, 1);
            } else {
                Posix.setIntOption(fd, SOL_SOCKET, SO_INQ, 1);
            }
        } catch (IOException e) {
            if (e instanceof SyscallFailure && "ENOPROTOOPT".equals(((SyscallFailure) e).errnoName())) {
                UnsupportedOperationException u = new UnsupportedOperationException("drain detection on "
                        + (tcp ? "TCP needs Linux 4.18+ (TCP_INQ)" : "Unix streams needs Linux 6.17+ (SO_INQ)"));
                u.initCause(e);
                throw u;
            }
            throw e;
        }
    }

    /**
     * Turns the reporting off again.
     *
     * @param fd  the socket
     * @param tcp as for {@link #enable}
     * @throws IOException from {@code setsockopt}
     */
    public static void disable(int fd, boolean tcp) throws IOException {
        if (tcp) {
            Posix.setIntOption(fd, SocketConstants.IPPROTO_TCP, TCP_INQ, 0);
        } else {
            Posix.setIntOption(fd, SOL_SOCKET, SO_INQ, 0);
        }
    }

    /**
     * Reads into {@code dst} from its position with {@code recvmsg}, on a socket {@link #enable}d before.
     *
     * @param fd  the socket
     * @param dst a buffer, heap (at most {@value Staging#SIZE} bytes per call) or direct
     * @return the read's result ({@link #bytes}) and whether the queue was then empty ({@link #drained})
     * @throws IOException from {@code recvmsg}
     */
    public static long read(int fd, ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int room = dst.limit() - pos;
        if (room == 0) {
            return 0;
        }
        if (dst.isDirect()) {
            long n = receive(fd, NativeMemory.address(dst) + pos, room);
            int bytes = bytes(n);
            if (bytes > 0) {
                dst.position(pos + bytes);
            }
            return n;
        }
        int len = Math.min(room, Staging.SIZE);
        Staging st = Staging.borrow(len);
        try {
            long n = receive(fd, st.address, len);
            int bytes = bytes(n);
            if (bytes > 0) {
                st.unstage(0, dst, pos, bytes);
                dst.position(pos + bytes);
            }
            return n;
        } finally {
            st.giveBack();
        }
    }

    /** @return the bytes read, 0 if it would block, -1 at end of stream */
    public static int bytes(long result) {
        return (int) result;
    }

    /** @return whether the read returned data and left the receive queue empty */
    public static boolean drained(long result) {
        return (result & DRAINED) != 0;
    }

    private static long receive(int fd, long address, int len) throws IOException {
        NativeScratch s = NativeScratch.get();
        ByteBuffer b = s.buffer;
        int iov = NativeScratch.IOV_OFFSET;
        b.putLong(iov + MsghdrDescriptor.IOV_BASE_OFFSET, address);
        b.putLong(iov + MsghdrDescriptor.IOV_LEN_OFFSET, len);
        int hdr = NativeScratch.MSGHDR_OFFSET;
        MSGHDR.put(b, hdr, 0, 0, s.address + iov, 1);
        b.putLong(hdr + MsghdrDescriptor.CONTROL_OFFSET, s.address + CONTROL_OFFSET);
        b.putLong(hdr + MsghdrDescriptor.CONTROLLEN_OFFSET, CONTROL_SIZE);
        long n = Posix.recvMsg(fd, s.address + hdr, MSG_CMSG_CLOEXEC);
        if (n == Posix.WOULD_BLOCK) {
            return 0;
        }
        if (n == 0) {
            return 0xffffffffL; // -1: end of stream
        }
        boolean cut = (MSGHDR.flags(b, hdr) & MSG_CTRUNC) != 0;
        long controlLen = b.getLong(hdr + MsghdrDescriptor.CONTROLLEN_OFFSET);
        int queued = -1;
        int at = 0;
        while (at + CMSG_HEADER <= controlLen) {
            long cmsgLen = b.getLong(CONTROL_OFFSET + at);
            if (cmsgLen < CMSG_HEADER || at + cmsgLen > controlLen) {
                break;
            }
            int level = b.getInt(CONTROL_OFFSET + at + 8);
            int type = b.getInt(CONTROL_OFFSET + at + 12);
            int data = CONTROL_OFFSET + at + CMSG_HEADER;
            if (((level == SocketConstants.IPPROTO_TCP && type == TCP_INQ) || (level == SOL_SOCKET && type == SO_INQ))
                    && cmsgLen >= CMSG_HEADER + 4) {
                queued = b.getInt(data);
            } else if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                for (int i = 0; i + 4 <= cmsgLen - CMSG_HEADER; i += 4) {
                    Posix.close(b.getInt(data + i)); // not ours to keep: a plain recv discards them too
                }
            }
            at += (int) ((cmsgLen + 7) & ~7L);
        }
        return n | (queued == 0 && !cut ? DRAINED : 0);
    }
}
