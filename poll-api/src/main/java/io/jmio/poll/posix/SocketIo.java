package io.jmio.poll.posix;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * {@link ByteBuffer} I/O over {@link Posix}, shared by jmio's sockets and pipes, in the JDK's
 * convention: a read returns the bytes read, 0 if it would block, -1 at end of stream; a write returns
 * the bytes written, 0 if it would block.
 *
 * <p>A direct buffer is passed to the kernel by address ({@code address + position}); a heap buffer
 * goes through this thread's {@link NativeScratch} staging area (at most
 * {@value NativeScratch#DATA_SIZE} bytes per call), so no call allocates.
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
            NativeScratch s = NativeScratch.get();
            int len = Math.min(room, NativeScratch.DATA_SIZE);
            long address = s.address + NativeScratch.DATA_OFFSET;
            n = kind == Kind.SOCKET ? Posix.recv(fd, address, len, flags) : Posix.read(fd, address, len);
            if (n > 0) {
                s.buffer.get(NativeScratch.DATA_OFFSET, dst.array(), dst.arrayOffset() + pos, (int) n);
                dst.position(pos + (int) n);
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
        long address;
        if (src.isDirect()) {
            address = NativeMemory.address(src) + pos;
        } else {
            NativeScratch s = NativeScratch.get();
            len = Math.min(len, NativeScratch.DATA_SIZE);
            stage(s, NativeScratch.DATA_OFFSET, src, pos, len);
            address = s.address + NativeScratch.DATA_OFFSET;
        }
        long n = kind == Kind.SOCKET ? Posix.send(fd, address, len, flags) : Posix.write(fd, address, len);
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
        int count = prepare(s, dsts, offset, length, false);
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
        advance(s, dsts, offset, count, n, true);
        return n;
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
        int count = prepare(s, srcs, offset, length, true);
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
        advance(s, srcs, offset, count, n, false);
        return n;
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
        boolean direct = dst.isDirect();
        long base;
        if (direct) {
            base = NativeMemory.address(dst) + pos;
        } else {
            room = Math.min(room, NativeScratch.DATA_SIZE);
            base = s.address + NativeScratch.DATA_OFFSET;
        }
        long iov = s.address + NativeScratch.IOV_OFFSET;
        s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET, base);
        s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET, room);
        MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET, s.address + NativeScratch.SOCKADDR_OFFSET,
                Sockaddr.STORAGE_SIZE, iov, 1);
        long n = Posix.recvMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, flags);
        if (n == Posix.WOULD_BLOCK) {
            return -1;
        }
        if (!direct && n > 0) {
            s.buffer.get(NativeScratch.DATA_OFFSET, dst.array(), dst.arrayOffset() + pos, (int) n);
        }
        dst.position(pos + (int) n);
        return (int) n;
    }

    /**
     * Sends one datagram to the address already in this thread's {@link NativeScratch}
     * {@code sockaddr} area, with {@code sendmsg}; a heap datagram is staged whole.
     *
     * @param fd      a datagram socket
     * @param src     the datagram, from position to limit
     * @param addrLen the length of the encoded address
     * @return the bytes sent, or 0 if it would block
     * @throws java.io.IOException from the system call
     * @throws IllegalArgumentException if a heap datagram exceeds the staging area
     */
    public static int sendDatagram(int fd, ByteBuffer src, int addrLen) throws java.io.IOException {
        requireBuffer(src, "src");
        NativeScratch s = NativeScratch.get();
        int pos = src.position();
        int len = src.limit() - pos;
        long base;
        if (src.isDirect()) {
            base = NativeMemory.address(src) + pos;
        } else {
            if (len > NativeScratch.DATA_SIZE) {
                throw new IllegalArgumentException("a datagram from a heap buffer is limited to "
                        + NativeScratch.DATA_SIZE + " bytes; use a direct buffer for " + len);
            }
            stage(s, src, pos, len);
            base = s.address + NativeScratch.DATA_OFFSET;
        }
        long iov = s.address + NativeScratch.IOV_OFFSET;
        s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET, base);
        s.buffer.putLong(NativeScratch.IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET, len);
        MSGHDR.put(s.buffer, NativeScratch.MSGHDR_OFFSET, addrLen == 0 ? 0 : s.address + NativeScratch.SOCKADDR_OFFSET,
                addrLen, iov, 1);
        long n = Posix.sendMsg(fd, s.address + NativeScratch.MSGHDR_OFFSET, 0);
        if (n == Posix.WOULD_BLOCK) {
            return 0;
        }
        src.position(pos + (int) n);
        return (int) n;
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

    /**
     * Copies a heap buffer's bytes to the start of the staging area (read-only buffers included).
     *
     * @param s   this thread's scratch
     * @param src a heap buffer
     * @param pos the first byte to copy
     * @param len how many, at most {@link NativeScratch#DATA_SIZE}
     */
    public static void stage(NativeScratch s, ByteBuffer src, int pos, int len) {
        stage(s, NativeScratch.DATA_OFFSET, src, pos, len);
    }

    /** Stages a heap buffer's bytes at {@code at} (read-only buffers byte by byte). */
    private static void stage(NativeScratch s, int at, ByteBuffer src, int pos, int len) {
        if (src.hasArray()) {
            s.buffer.put(at, src.array(), src.arrayOffset() + pos, len);
        } else {
            for (int i = 0; i < len; i++) {
                s.buffer.put(at + i, src.get(pos + i));
            }
        }
    }

    /** Builds the iovec array; returns how many entries, 0 if there are no bytes to move. */
    private static int prepare(NativeScratch s, ByteBuffer[] bufs, int offset, int length, boolean gather) {
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
                len = Math.min(len, NativeScratch.DATA_SIZE - staged);
                if (gather && len > 0) {
                    stage(s, NativeScratch.DATA_OFFSET + staged, b, pos, len);
                }
                base = s.address + NativeScratch.DATA_OFFSET + staged;
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
    private static void advance(NativeScratch s, ByteBuffer[] bufs, int offset, int count, long n, boolean read) {
        long left = n;
        for (int k = 0; k < count && left > 0; k++) {
            ByteBuffer b = bufs[offset + k];
            int entry = NativeScratch.IOV_OFFSET + k * MsghdrDescriptor.IOV_SIZE;
            int len = (int) Math.min(left, s.buffer.getLong(entry + MsghdrDescriptor.IOV_LEN_OFFSET));
            int pos = b.position();
            if (read && !b.isDirect()) {
                long base = s.buffer.getLong(entry + MsghdrDescriptor.IOV_BASE_OFFSET);
                int at = (int) (base - s.address);
                s.buffer.get(at, b.array(), b.arrayOffset() + pos, len);
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
