package io.jmio.poll.posix;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * {@link ByteBuffer} I/O over {@link Posix}, shared by jmio's sockets and pipes, in the JDK's
 * convention: a read returns the bytes read, 0 if it would block, -1 at end of stream; a write returns
 * the bytes written, 0 if it would block.
 *
 * <p>A direct buffer is passed to the kernel by address ({@code address + position}); a heap buffer
 * goes through a {@link Staging} area borrowed for the call from a bounded pool: a stream read or
 * write moves at most {@value Staging#SIZE} bytes of a heap buffer per call (a short read from a heap
 * buffer therefore does not mean the socket is drained: read until it returns 0), while a datagram
 * is staged whole, however large, so it is cut only when the caller's buffer is too small. Steady
 * state allocates nothing; a datagram above {@value Staging#SIZE} bytes through a heap buffer costs
 * one transient allocation of its size.
 *
 * <p>Threading: stateless; the staging memory is per thread.
 */
public final class SocketIo {
    private static final MsghdrDescriptor MSGHDR = MsghdrDescriptor.current();

    /** How the bytes move: {@code recv}/{@code send} on sockets, {@code read}/{@code write} on pipes. */
    public enum Kind {
        /** A socket: {@code recv}, {@code send} (with {@code MSG_NOSIGNAL}), {@code recvmsg}, {@code sendmsg}. */
        SOCKET,
        /** Anything else: {@code read}, {@code write}, {@code readv}, {@code writev}. */
        FILE
    }

    private SocketIo() {
    }

    /**
     * Reads into {@code dst} from its position.
     *
     * @param fd    a descriptor
     * @param kind  socket or file
     * @param dst   the buffer
     * @param flags {@code MSG_*} flags (sockets only), e.g. {@code MSG_PEEK}
     * @return bytes read, 0 if it would block (or {@code dst} is full), -1 at end of stream
     * @throws java.io.IOException from the system call
     */
    public static int read(int fd, Kind kind, ByteBuffer dst, int flags) throws java.io.IOException {
        requireBuffer(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int room = dst.limit() - pos;
        if (room == 0) {
            return 0;
        }
        long n;
        if (dst.isDirect()) {
            long address = NativeMemory.address(dst) + pos;
            n = kind == Kind.SOCKET ? Posix.recv(fd, address, room, flags) : Posix.read(fd, address, room);
            if (n > 0) {
                dst.position(pos + (int) n);
            }
        } else {
            int len = Math.min(room, Staging.SIZE);
            Staging st = Staging.borrow(len);
            try {
                n = kind == Kind.SOCKET ? Posix.recv(fd, st.address, len, flags) : Posix.read(fd, st.address, len);
                if (n > 0) {
                    st.unstage(0, dst, pos, (int) n);
                    dst.position(pos + (int) n);
                }
            } finally {
                st.giveBack();
            }
        }
        return n == Posix.WOULD_BLOCK ? 0 : n == 0 ? -1 : (int) n;
    }

    /**
     * Writes from {@code src} at its position.
     *
     * @param fd    a descriptor
     * @param kind  socket or file
     * @param src   the buffer
     * @param flags extra {@code MSG_*} flags (sockets only), e.g. {@code MSG_OOB}
     * @return bytes written, 0 if it would block (or {@code src} is empty)
     * @throws java.io.IOException from the system call, e.g. {@code EPIPE}
     */
    public static int write(int fd, Kind kind, ByteBuffer src, int flags) throws java.io.IOException {
        requireBuffer(src, "src");
        int pos = src.position();
        int len = src.limit() - pos;
        if (len == 0) {
            return 0;
        }
        long n;
        if (src.isDirect()) {
            long address = NativeMemory.address(src) + pos;
            n = kind == Kind.SOCKET ? Posix.send(fd, address, len, flags) : Posix.write(fd, address, len);
        } else {
            len = Math.min(len, Staging.SIZE);
            Staging st = Staging.borrow(len);
            try {
                st.stage(0, src, pos, len);
                n = kind == Kind.SOCKET ? Posix.send(fd, st.address, len, flags) : Posix.write(fd, st.address, len);
            } finally {
                st.giveBack();
            }
        }
        if (n == Posix.WOULD_BLOCK) {
            return 0;
        }
        src.position(pos + (int) n);
        return (int) n;
    }

    /**
     * Scattering read: fills {@code dsts[offset..offset+length)} in order, at most
     * {@value NativeScratch#IOV_MAX} buffers per call.
     *
     * @param fd     a descriptor
     * @param kind   socket or file
     * @param dsts   the buffers
     * @param offset the first buffer
     * @param length how many buffers
     * @return bytes read, 0 if it would block (or there is no room), -1 at end of stream
     * @throws java.io.IOException from the system call
     */
    public static long read(int fd, Kind kind, ByteBuffer[] dsts, int offset, int length) throws java.io.IOException {
        NativeScratch s = NativeScratch.get();
        Staging st = anyHeap(dsts, offset, length) ? Staging.borrow(Staging.SIZE) : null;
        try {
            int count = prepare(s, st, dsts, offset, length, false);
            if (count == 0) {
                return 0;
            }
            long iov = s.address + NativeScratch.IOV_OFFSET;
            long n;
            if (kind == Kind.SOCKET) {
                MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET, 0, 0, iov, count);
                n = Posix.recvMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, 0);
            } else {
                n = Posix.readv(fd, iov, count);
            }
            if (n == Posix.WOULD_BLOCK) {
                return 0;
            }
            if (n == 0) {
                return -1;
            }
            advance(s, st, dsts, offset, count, n, true);
            return n;
        } finally {
            if (st != null) {
                st.giveBack();
            }
        }
    }

    /**
     * Gathering write: sends {@code srcs[offset..offset+length)} in order, at most
     * {@value NativeScratch#IOV_MAX} buffers per call.
     *
     * @param fd     a descriptor
     * @param kind   socket or file
     * @param srcs   the buffers
     * @param offset the first buffer
     * @param length how many buffers
     * @return bytes written, 0 if it would block (or there is nothing to write)
     * @throws java.io.IOException from the system call
     */
    public static long write(int fd, Kind kind, ByteBuffer[] srcs, int offset, int length) throws java.io.IOException {
        NativeScratch s = NativeScratch.get();
        Staging st = anyHeap(srcs, offset, length) ? Staging.borrow(Staging.SIZE) : null;
        try {
            int count = prepare(s, st, srcs, offset, length, true);
            if (count == 0) {
                return 0;
            }
            long iov = s.address + NativeScratch.IOV_OFFSET;
            long n;
            if (kind == Kind.SOCKET) {
                MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET, 0, 0, iov, count);
                n = Posix.sendMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, 0);
            } else {
                n = Posix.writev(fd, iov, count);
            }
            if (n == Posix.WOULD_BLOCK) {
                return 0;
            }
            advance(s, st, srcs, offset, count, n, false);
            return n;
        } finally {
            if (st != null) {
                st.giveBack();
            }
        }
    }

    /**
     * Receives one datagram with {@code recvmsg}, the sender's address going to this thread's
     * {@link NativeScratch} {@code sockaddr} area.
     *
     * @param fd    a datagram socket
     * @param dst   the buffer
     * @param flags {@code MSG_*} flags, e.g. {@code MSG_PEEK}
     * @return the bytes put into {@code dst}, or -1 if it would block; {@link #lastTruncated} says
     *         whether the datagram was longer
     * @throws java.io.IOException from the system call
     */
    public static int receiveDatagram(int fd, ByteBuffer dst, int flags) throws java.io.IOException {
        requireBuffer(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        NativeScratch s = NativeScratch.get();
        int pos = dst.position();
        int room = dst.limit() - pos;
        Staging st = dst.isDirect() ? null : Staging.borrow(room); // the whole room: the datagram is never cut here
        try {
            long base = st == null ? NativeMemory.address(dst) + pos : st.address;
            long iov = s.address + NativeScratch.IOV_OFFSET;
            s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET, base);
            s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET, room);
            MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET, s.address + NativeScratch.SOCKADDR_OFFSET,
                    Sockaddr.STORAGE_SIZE, iov, 1);
            long n = Posix.recvMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, flags);
            if (n == Posix.WOULD_BLOCK) {
                return -1;
            }
            if (st != null && n > 0) {
                st.unstage(0, dst, pos, (int) n);
            }
            dst.position(pos + (int) n);
            return (int) n;
        } finally {
            if (st != null) {
                st.giveBack();
            }
        }
    }

    /**
     * Sends one datagram to the address already in this thread's {@link NativeScratch}
     * {@code sockaddr} area, with {@code sendmsg}; a heap datagram is staged whole, however large
     * (the kernel, not jmio, refuses one too large for the socket: {@code EMSGSIZE}).
     *
     * @param fd      a datagram socket
     * @param src     the datagram, from position to limit
     * @param addrLen the length of the encoded address
     * @return the bytes sent, or 0 if it would block
     * @throws java.io.IOException from the system call
     */
    public static int sendDatagram(int fd, ByteBuffer src, int addrLen) throws java.io.IOException {
        requireBuffer(src, "src");
        NativeScratch s = NativeScratch.get();
        int pos = src.position();
        int len = src.limit() - pos;
        Staging st = src.isDirect() ? null : Staging.borrow(len);
        try {
            long base;
            if (st == null) {
                base = NativeMemory.address(src) + pos;
            } else {
                st.stage(0, src, pos, len);
                base = st.address;
            }
            long iov = s.address + NativeScratch.IOV_OFFSET;
            s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET, base);
            s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET, len);
            MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET,
                    addrLen == 0 ? 0 : s.address + NativeScratch.SOCKADDR_OFFSET, addrLen, iov, 1);
            long n = Posix.sendMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, 0);
            if (n == Posix.WOULD_BLOCK) {
                return 0;
            }
            src.position(pos + (int) n);
            return (int) n;
        } finally {
            if (st != null) {
                st.giveBack();
            }
        }
    }

    /**
     * @return true if the last {@link #receiveDatagram} of this thread cut its datagram short
     *         ({@code MSG_TRUNC} in {@code msg_flags})
     */
    public static boolean lastTruncated() {
        NativeScratch s = NativeScratch.get();
        return (MSGHDR.flags(s.buffer, NativeScratch.MSGHDR_OFFSET) & SocketConstants.current().msgTrunc) != 0;
    }

    /** @return the sender-address length the last {@link #receiveDatagram} of this thread got */
    public static int lastAddressLength() {
        return MSGHDR.nameLength(NativeScratch.get().buffer, NativeScratch.MSGHDR_OFFSET);
    }

    /** @return true if one of the buffers is on the heap (and so needs staging) */
    private static boolean anyHeap(ByteBuffer[] bufs, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bufs.length);
        for (int i = offset; i < offset + length && i - offset < NativeScratch.IOV_MAX; i++) {
            if (bufs[i] != null && !bufs[i].isDirect()) {
                return true;
            }
        }
        return false;
    }

    /** Builds the iovec array; returns how many entries, 0 if there are no bytes to move. */
    private static int prepare(NativeScratch s, Staging st, ByteBuffer[] bufs, int offset, int length, boolean gather) {
        java.util.Objects.checkFromIndexSize(offset, length, bufs.length);
        int count = 0;
        int staged = 0;
        long total = 0;
        for (int i = offset; i < offset + length && count < NativeScratch.IOV_MAX; i++) {
            ByteBuffer b = bufs[i];
            if (b == null) {
                throw new NullPointerException("buffer " + i + " of the array is null");
            }
            if (!gather && b.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            int pos = b.position();
            int len = b.limit() - pos;
            long base;
            if (b.isDirect()) {
                base = NativeMemory.address(b) + pos;
            } else {
                len = Math.min(len, Staging.SIZE - staged);
                if (gather && len > 0) {
                    st.stage(staged, b, pos, len);
                }
                base = st.address + staged;
                staged += len;
            }
            int entry = NativeScratch.IOV_OFFSET + count * MsghdrDescriptor.IOV_SIZE;
            s.buffer.putLong(entry + MsghdrDescriptor.IOV_BASE_OFFSET, base);
            s.buffer.putLong(entry + MsghdrDescriptor.IOV_LEN_OFFSET, len);
            total += len;
            count++;
        }
        return total == 0 ? 0 : count;
    }

    /** Moves positions by {@code n} bytes over the buffers, copying staged bytes back on a read. */
    private static void advance(NativeScratch s, Staging st, ByteBuffer[] bufs, int offset, int count, long n,
            boolean read) {
        long left = n;
        for (int k = 0; k < count && left > 0; k++) {
            ByteBuffer b = bufs[offset + k];
            int entry = NativeScratch.IOV_OFFSET + k * MsghdrDescriptor.IOV_SIZE;
            int len = (int) Math.min(left, s.buffer.getLong(entry + MsghdrDescriptor.IOV_LEN_OFFSET));
            int pos = b.position();
            if (read && !b.isDirect()) {
                long base = s.buffer.getLong(entry + MsghdrDescriptor.IOV_BASE_OFFSET);
                st.unstage((int) (base - st.address), b, pos, len);
            }
            b.position(pos + len);
            left -= len;
        }
    }

    /**
     * Refuses a null buffer with a message naming it. An explicit check rather than the JVM's own
     * null-pointer message, which compiled code may throw without any message at all.
     *
     * @param buffer the caller's buffer
     * @param name   its parameter name, {@code src} or {@code dst}
     * @throws NullPointerException if {@code buffer} is null
     */
    public static void requireBuffer(ByteBuffer buffer, String name) {
        if (buffer == null) {
            throw new NullPointerException("\"" + name + "\" is null");
        }
    }
}
