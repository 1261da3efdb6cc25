package io.jmio.poll.iocp.winsock;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.NativeScratch;
import io.jmio.poll.posix.SocketIo;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

import jnr.ffi.LastError;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The Winsock {@link SocketSystem}: jmio's network types on Windows, and the one class that calls
 * {@code ws2_32} (through {@link Ws2}). Handles are 64-bit {@code SOCKET}s, registered with the IOCP
 * backend as {@link io.jmio.poll.SourceSocket}s.
 *
 * <ul>
 * <li>Sockets are made with {@code WSASocketW(..., WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT)}
 *     (overlapped, as AFD polling needs; not inherited by child processes) and switched to
 *     non-blocking with {@code ioctlsocket(FIONBIO)}; accepted sockets are switched too.</li>
 * <li>Listeners do not set {@code SO_REUSEADDR}: on Windows it lets another socket bind the same port,
 *     which is not what Unix's option means; a second listener on a port gets {@code EADDRINUSE}.</li>
 * <li>Errors come from the error value jnr-ffi saved right after the call (a separate
 *     {@code WSAGetLastError} call could see a value the JVM set in between) and are mapped by
 *     {@link WinsockErrors}, the one place.</li>
 * <li>Gathering and scattering I/O is a loop of {@code send}/{@code recv} over the buffers that stops at
 *     the first short transfer, at most {@value NativeScratch#IOV_MAX} buffers per call as on POSIX (bytes
 *     stay in order; the transfer is not one system call).</li>
 * <li>A datagram longer than the buffer fails with {@code WSAEMSGSIZE}, the buffer holding its first
 *     bytes: reported as truncated, as {@code MSG_TRUNC} is on Unix.</li>
 * </ul>
 *
 * <p>Memory: addresses, option values and heap-buffer staging go through this thread's
 * {@link NativeScratch} (plain native memory, shared with the POSIX layer's layout), so reads and
 * writes allocate nothing.
 *
 * <p>Threading: stateless apart from per-thread scratch; any thread.
 */
public class WinsockSockets extends SocketSystem {
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_IPV6 = 41;
    static final int WSA_FLAG_OVERLAPPED = 0x01;
    static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
    /** {@code FIONBIO}, {@code _IOW('f', 126, u_long)}. */
    static final int FIONBIO = 0x8004667E;
    static final int MSG_OOB = 0x1;
    static final int MSG_PEEK = 0x2;
    static final long INVALID_SOCKET = -1;
    static final int SOCKET_ERROR = -1;
    static final int SOL_SOCKET = 0xFFFF;
    static final int SO_REUSEADDR = 0x0004;
    static final int SO_KEEPALIVE = 0x0008;
    static final int SO_BROADCAST = 0x0020;
    static final int SO_LINGER = 0x0080;
    static final int SO_SNDBUF = 0x1001;
    static final int SO_RCVBUF = 0x1002;
    static final int SO_ERROR = 0x1007;
    static final int TCP_NODELAY = 0x0001;
    static final int IP_TTL = 4;
    static final int IP_MULTICAST_TTL = 10;
    static final int IP_MULTICAST_LOOP = 11;
    static final int IP_ADD_MEMBERSHIP = 12;
    static final int IP_DROP_MEMBERSHIP = 13;
    static final int IPV6_UNICAST_HOPS = 4;
    static final int IPV6_MULTICAST_LOOP = 11;
    static final int IPV6_ADD_MEMBERSHIP = 12;
    static final int IPV6_DROP_MEMBERSHIP = 13;
    static final int IPV6_V6ONLY = 27;
    /** {@code struct linger {u_short l_onoff; u_short l_linger;}}: 4 bytes, seconds up to 65535. */
    static final int LINGER_SIZE = 4;
    static final int MAX_LINGER_SECONDS = 0xFFFF;

    /** Per-thread flag of the last datagram receive: its truncation (4 bytes in the unused iovec area). */
    private static final int TRUNCATED_OFFSET = NativeScratch.IOV_OFFSET;

    private final Ws2.Lib lib;
    /** The runtime whose saved last error is read; null when {@link #lib} is not a jnr-ffi binding. */
    private final Runtime runtime;
    private final ThreadLocal<Pointer> sockaddrPointer;

    /**
     * Loads {@code ws2_32} and calls {@code WSAStartup(2.2)}; used on Windows through
     * {@link WinsockSocketsProvider}.
     *
     * @throws IllegalStateException if Winsock cannot be loaded or started
     */
    public WinsockSockets() {
        this(Ws2.load(), true);
    }

    /**
     * @param lib      the binding (an emulation in tests)
     * @param jnrBound whether {@code lib} is a jnr-ffi binding whose saved last error is to be read
     */
    WinsockSockets(Ws2.Lib lib, boolean jnrBound) {
        this.lib = lib;
        this.runtime = jnrBound ? Runtime.getRuntime(lib) : null;
        this.sockaddrPointer = ThreadLocal.withInitial(() -> Pointer.wrap(Runtime.getSystemRuntime(),
                NativeScratch.get().address + NativeScratch.SOCKADDR_OFFSET));
        ByteBuffer wsaData = NativeMemory.allocate(1024); // WSADATA: 408 bytes on 64-bit Windows
        int rc = lib.WSAStartup((short) 0x0202, NativeMemory.address(wsaData));
        if (rc != 0) {
            throw new IllegalStateException("WSAStartup(2.2) failed: " + WinsockErrors.wsaName(rc));
        }
    }

    private int lastError() {
        return runtime != null ? LastError.getLastError(runtime) : lib.WSAGetLastError();
    }

    private IOException fail(String call, long s) {
        return WinsockErrors.exception(call, lastError(), describe(s));
    }

    @Override
    public String name() {
        return "winsock";
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return false;
    }

    @Override
    public long open(boolean v6, boolean stream) throws IOException {
        int af = v6 ? WinSockaddr.AF_INET6 : WinSockaddr.AF_INET;
        long s = lib.WSASocketW(af, stream ? SOCK_STREAM : SOCK_DGRAM, stream ? IPPROTO_TCP : IPPROTO_UDP, null, 0,
                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            throw WinsockErrors.exception("WSASocketW", lastError(), (v6 ? "AF_INET6" : "AF_INET")
                    + (stream ? ", SOCK_STREAM" : ", SOCK_DGRAM"));
        }
        try {
            nonBlocking(s);
        } catch (IOException e) {
            closeQuietly(s, e);
            throw e;
        }
        return s;
    }

    private void nonBlocking(long s) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.OPTVAL_OFFSET, 1);
        if (lib.ioctlsocket(s, FIONBIO, scratch.address + NativeScratch.OPTVAL_OFFSET) != 0) {
            throw fail("ioctlsocket(FIONBIO)", s);
        }
    }

    @Override
    public void bind(long s, InetSocketAddress address) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        int len = WinSockaddr.put(scratch.buffer, NativeScratch.SOCKADDR_OFFSET, address);
        if (lib.bind(s, scratch.address + NativeScratch.SOCKADDR_OFFSET, len) != 0) {
            throw WinsockErrors.exception("bind", lastError(), describe(s) + " to " + address);
        }
    }

    @Override
    public void bindAndListen(long s, InetSocketAddress address, int backlog) throws IOException {
        bind(s, address);
        if (lib.listen(s, backlog) != 0) {
            throw fail("listen", s);
        }
    }

    @Override
    public long accept(long s) throws IOException {
        while (true) {
            long client = lib.accept(s, 0, 0);
            if (client != INVALID_SOCKET) {
                try {
                    nonBlocking(client);
                } catch (IOException e) {
                    closeQuietly(client, e);
                    throw e;
                }
                return client;
            }
            int error = lastError();
            if (error == WinsockErrors.WSAEWOULDBLOCK) {
                return NO_SOCKET;
            }
            if (error != WinsockErrors.WSAECONNRESET && error != WinsockErrors.WSAEINTR) {
                // WSAECONNRESET: the connection died while queued, which is not the listener's failure.
                throw WinsockErrors.exception("accept", error, "listener " + describe(s));
            }
        }
    }

    @Override
    public boolean connect(long s, InetSocketAddress address) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        int len = WinSockaddr.put(scratch.buffer, NativeScratch.SOCKADDR_OFFSET, address);
        if (lib.connect(s, scratch.address + NativeScratch.SOCKADDR_OFFSET, len) == 0) {
            return true;
        }
        int error = lastError();
        if (error == WinsockErrors.WSAEWOULDBLOCK || error == WinsockErrors.WSAEINPROGRESS) {
            return false;
        }
        throw WinsockErrors.exception("connect", error, describe(s) + " to " + address);
    }

    /** @return bytes received; 0 at end of stream (or after {@code SD_RECEIVE}); -1 if it would block */
    private int recv(long s, long address, int length, int flags) throws IOException {
        int n = lib.recv(s, address, length, flags);
        if (n >= 0) {
            return n;
        }
        int error = lastError();
        if (error == WinsockErrors.WSAEWOULDBLOCK) {
            return -1;
        }
        if (error == WinsockErrors.WSAESHUTDOWN) {
            return 0;
        }
        throw WinsockErrors.exception("recv", error, describe(s));
    }

    /** @return bytes sent, or -1 if it would block */
    private int send(long s, long address, int length, int flags) throws IOException {
        int n = lib.send(s, address, length, flags);
        if (n >= 0) {
            return n;
        }
        int error = lastError();
        if (error == WinsockErrors.WSAEWOULDBLOCK) {
            return -1;
        }
        throw WinsockErrors.exception("send", error, describe(s));
    }

    @Override
    public int read(long s, ByteBuffer dst, boolean peek) throws IOException {
        SocketIo.requireBuffer(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int room = dst.limit() - pos;
        if (room == 0) {
            return 0;
        }
        int flags = peek ? MSG_PEEK : 0;
        int n;
        if (dst.isDirect()) {
            n = recv(s, NativeMemory.address(dst) + pos, room, flags);
        } else {
            NativeScratch scratch = NativeScratch.get();
            n = recv(s, scratch.address + NativeScratch.DATA_OFFSET, Math.min(room, NativeScratch.DATA_SIZE), flags);
            if (n > 0) {
                scratch.buffer.get(NativeScratch.DATA_OFFSET, dst.array(), dst.arrayOffset() + pos, n);
            }
        }
        if (n > 0) {
            dst.position(pos + n);
        }
        return n < 0 ? 0 : n == 0 ? -1 : n;
    }

    @Override
    public long read(long s, ByteBuffer[] dsts, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, dsts.length);
        long total = 0;
        for (int i = offset; i < offset + Math.min(length, NativeScratch.IOV_MAX); i++) {
            ByteBuffer dst = dsts[i];
            int room = dst.remaining();
            if (room == 0) {
                continue;
            }
            int n = read(s, dst, false);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (n < room) {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(long s, ByteBuffer src) throws IOException {
        SocketIo.requireBuffer(src, "src");
        int pos = src.position();
        int len = src.limit() - pos;
        if (len == 0) {
            return 0;
        }
        long address;
        if (src.isDirect()) {
            address = NativeMemory.address(src) + pos;
        } else {
            NativeScratch scratch = NativeScratch.get();
            len = Math.min(len, NativeScratch.DATA_SIZE);
            stage(scratch, src, pos, len);
            address = scratch.address + NativeScratch.DATA_OFFSET;
        }
        int n = send(s, address, len, 0);
        if (n < 0) {
            return 0;
        }
        src.position(pos + n);
        return n;
    }

    private static void stage(NativeScratch scratch, ByteBuffer src, int pos, int len) {
        if (src.hasArray()) {
            scratch.buffer.put(NativeScratch.DATA_OFFSET, src.array(), src.arrayOffset() + pos, len);
        } else {
            for (int i = 0; i < len; i++) {
                scratch.buffer.put(NativeScratch.DATA_OFFSET + i, src.get(pos + i));
            }
        }
    }

    @Override
    public long write(long s, ByteBuffer[] srcs, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, srcs.length);
        long total = 0;
        for (int i = offset; i < offset + Math.min(length, NativeScratch.IOV_MAX); i++) {
            ByteBuffer src = srcs[i];
            int len = src.remaining();
            if (len == 0) {
                continue;
            }
            int n = write(s, src);
            total += n;
            if (n < len) {
                break;
            }
        }
        return total;
    }

    @Override
    public boolean sendUrgent(long s, byte b) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.put(NativeScratch.OPTVAL_OFFSET, b);
        return send(s, scratch.address + NativeScratch.OPTVAL_OFFSET, 1, MSG_OOB) == 1;
    }

    @Override
    public int receiveDatagram(long s, ByteBuffer dst, boolean peek) throws IOException {
        SocketIo.requireBuffer(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        NativeScratch scratch = NativeScratch.get();
        int pos = dst.position();
        int room = dst.limit() - pos;
        boolean direct = dst.isDirect();
        long base;
        if (direct) {
            base = NativeMemory.address(dst) + pos;
        } else {
            room = Math.min(room, NativeScratch.DATA_SIZE);
            base = scratch.address + NativeScratch.DATA_OFFSET;
        }
        scratch.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, WinSockaddr.STORAGE_SIZE);
        scratch.buffer.putInt(TRUNCATED_OFFSET, 0);
        int n = lib.recvfrom(s, base, room, peek ? MSG_PEEK : 0, sockaddrPointer.get(),
                scratch.address + NativeScratch.SOCKLEN_OFFSET);
        if (n < 0) {
            int error = lastError();
            if (error == WinsockErrors.WSAEWOULDBLOCK) {
                return -1;
            }
            if (error != WinsockErrors.WSAEMSGSIZE) {
                throw WinsockErrors.datagramException("recvfrom", error, describe(s));
            }
            scratch.buffer.putInt(TRUNCATED_OFFSET, 1);
            n = room;
        }
        if (!direct && n > 0) {
            scratch.buffer.get(NativeScratch.DATA_OFFSET, dst.array(), dst.arrayOffset() + pos, n);
        }
        dst.position(pos + n);
        return n;
    }

    @Override
    public boolean lastTruncated() {
        return NativeScratch.get().buffer.getInt(TRUNCATED_OFFSET) != 0;
    }

    @Override
    public InetSocketAddress lastSender() {
        return WinSockaddr.get(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    @Override
    public int sendDatagram(long s, ByteBuffer src, InetSocketAddress target) throws IOException {
        SocketIo.requireBuffer(src, "src");
        NativeScratch scratch = NativeScratch.get();
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
            stage(scratch, src, pos, len);
            base = scratch.address + NativeScratch.DATA_OFFSET;
        }
        int n;
        if (target == null) {
            n = lib.send(s, base, len, 0);
        } else {
            int addrLen = WinSockaddr.put(scratch.buffer, NativeScratch.SOCKADDR_OFFSET, target);
            n = lib.sendto(s, base, len, 0, sockaddrPointer.get(), addrLen);
        }
        if (n < 0) {
            int error = lastError();
            if (error == WinsockErrors.WSAEWOULDBLOCK) {
                return 0;
            }
            throw WinsockErrors.datagramException(target == null ? "send" : "sendto", error,
                    describe(s) + (target == null ? "" : " to " + target));
        }
        src.position(pos + n);
        return n;
    }

    @Override
    public void shutdown(long s, int how) throws IOException {
        if (lib.shutdown(s, how) != 0) {
            throw fail("shutdown", s);
        }
    }

    @Override
    public IOException takeError(long s) throws IOException {
        int error = getInt(s, SOL_SOCKET, SO_ERROR);
        return error == 0 ? null : WinsockErrors.exception("SO_ERROR", error, describe(s));
    }

    @Override
    public InetSocketAddress address(long s, boolean peer) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, WinSockaddr.STORAGE_SIZE);
        long addr = scratch.address + NativeScratch.SOCKADDR_OFFSET;
        long lenPtr = scratch.address + NativeScratch.SOCKLEN_OFFSET;
        int rc = peer ? lib.getpeername(s, addr, lenPtr) : lib.getsockname(s, addr, lenPtr);
        if (rc != 0) {
            throw fail(peer ? "getpeername" : "getsockname", s);
        }
        return WinSockaddr.get(scratch.buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    /** @return {@code level << 16 | name} of a portable option on Winsock */
    static int levelAndName(Option option) {
        switch (option) {
            case REUSE_ADDRESS: return SOL_SOCKET << 16 | SO_REUSEADDR;
            case KEEP_ALIVE: return SOL_SOCKET << 16 | SO_KEEPALIVE;
            case SEND_BUFFER: return SOL_SOCKET << 16 | SO_SNDBUF;
            case RECEIVE_BUFFER: return SOL_SOCKET << 16 | SO_RCVBUF;
            case BROADCAST: return SOL_SOCKET << 16 | SO_BROADCAST;
            case TCP_NO_DELAY: return IPPROTO_TCP << 16 | TCP_NODELAY;
            case IP_TTL: return IPPROTO_IP << 16 | IP_TTL;
            case IPV6_UNICAST_HOPS: return IPPROTO_IPV6 << 16 | IPV6_UNICAST_HOPS;
            case IPV6_V6ONLY: return IPPROTO_IPV6 << 16 | IPV6_V6ONLY;
            case IP_MULTICAST_TTL: return IPPROTO_IP << 16 | IP_MULTICAST_TTL;
            case IP_MULTICAST_LOOP: return IPPROTO_IP << 16 | IP_MULTICAST_LOOP;
            case IPV6_MULTICAST_LOOP: return IPPROTO_IPV6 << 16 | IPV6_MULTICAST_LOOP;
            default: throw new AssertionError(option);
        }
    }

    @Override
    public void setOption(long s, Option option, int value) throws IOException {
        int ln = levelAndName(option);
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.OPTVAL_OFFSET, value);
        setRaw(s, ln >>> 16, ln & 0xFFFF, scratch.address + NativeScratch.OPTVAL_OFFSET, 4, option.name());
    }

    @Override
    public int option(long s, Option option) throws IOException {
        int ln = levelAndName(option);
        return getInt(s, ln >>> 16, ln & 0xFFFF);
    }

    private int getInt(long s, int level, int name) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.OPTVAL_OFFSET, 0);
        scratch.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, 4);
        if (lib.getsockopt(s, level, name, scratch.address + NativeScratch.OPTVAL_OFFSET,
                scratch.address + NativeScratch.SOCKLEN_OFFSET) != 0) {
            throw WinsockErrors.exception("getsockopt", lastError(), describe(s) + ", level " + level + ", option "
                    + name);
        }
        return scratch.buffer.getInt(NativeScratch.OPTVAL_OFFSET);
    }

    private void setRaw(long s, int level, int name, long value, int length, String what) throws IOException {
        if (lib.setsockopt(s, level, name, value, length) != 0) {
            throw WinsockErrors.exception("setsockopt", lastError(), describe(s) + ", " + what);
        }
    }

    @Override
    public void setLinger(long s, int seconds) throws IOException {
        if (seconds > MAX_LINGER_SECONDS) {
            throw new IllegalArgumentException("linger " + seconds + " s exceeds Winsock's " + MAX_LINGER_SECONDS);
        }
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putShort(NativeScratch.OPTVAL_OFFSET, (short) (seconds >= 0 ? 1 : 0));
        scratch.buffer.putShort(NativeScratch.OPTVAL_OFFSET + 2, (short) Math.max(seconds, 0));
        setRaw(s, SOL_SOCKET, SO_LINGER, scratch.address + NativeScratch.OPTVAL_OFFSET, LINGER_SIZE, "SO_LINGER");
    }

    @Override
    public int linger(long s) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.OPTVAL_OFFSET, 0);
        scratch.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, LINGER_SIZE);
        if (lib.getsockopt(s, SOL_SOCKET, SO_LINGER, scratch.address + NativeScratch.OPTVAL_OFFSET,
                scratch.address + NativeScratch.SOCKLEN_OFFSET) != 0) {
            throw WinsockErrors.exception("getsockopt", lastError(), describe(s) + ", SO_LINGER");
        }
        return scratch.buffer.getShort(NativeScratch.OPTVAL_OFFSET) == 0 ? -1
                : scratch.buffer.getShort(NativeScratch.OPTVAL_OFFSET + 2) & 0xFFFF;
    }

    /** {@code struct ip_mreq}: 8 bytes, as on Unix. */
    @Override
    public void membershipV4(long s, boolean join, Inet4Address group, Inet4Address iface) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        byte[] g = group.getAddress();
        byte[] i = iface.getAddress();
        for (int k = 0; k < 4; k++) {
            scratch.buffer.put(NativeScratch.SOCKADDR_OFFSET + k, g[k]);
            scratch.buffer.put(NativeScratch.SOCKADDR_OFFSET + 4 + k, i[k]);
        }
        setRaw(s, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                scratch.address + NativeScratch.SOCKADDR_OFFSET, 8, join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP");
    }

    /** {@code struct ipv6_mreq}: 16-byte group, 32-bit interface index; 20 bytes, as on Unix. */
    @Override
    public void membershipV6(long s, boolean join, InetAddress group, int interfaceIndex) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        byte[] g = group.getAddress();
        for (int k = 0; k < 16; k++) {
            scratch.buffer.put(NativeScratch.SOCKADDR_OFFSET + k, g[k]);
        }
        scratch.buffer.putInt(NativeScratch.SOCKADDR_OFFSET + 16, interfaceIndex);
        setRaw(s, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP,
                scratch.address + NativeScratch.SOCKADDR_OFFSET, 20,
                join ? "IPV6_ADD_MEMBERSHIP" : "IPV6_DROP_MEMBERSHIP");
    }

    @Override
    public void close(long s) throws IOException {
        if (lib.closesocket(s) != 0) {
            throw fail("closesocket", s);
        }
    }

    @Override
    public String describe(long s) {
        return "SOCKET " + s;
    }
}
