package io.jmio.poll.iocp.winsock;

import io.jmio.poll.SyscallFailure;
import java.io.IOException;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.NativeScratch;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.SocketConstants;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * A test-only emulation of the part of {@code ws2_32} that {@link WinsockSockets} calls, over real
 * Linux sockets, so that the Winsock facade (and the network types above it) run here exactly as on
 * Windows: {@code SOCKET} handles (the descriptor's number), Windows {@code sockaddr} layouts
 * ({@code AF_INET6} = 23), Windows option levels and names, {@code SOCKET_ERROR} returns with a
 * per-thread {@code WSAGetLastError()}, and Winsock's own behaviours where they differ from Linux:
 *
 * <ul>
 * <li>would-block is {@code WSAEWOULDBLOCK}, also for a connect under way (not {@code EINPROGRESS});</li>
 * <li>a datagram longer than the buffer fails with {@code WSAEMSGSIZE}, the buffer filled;</li>
 * <li>an ICMP port-unreachable on a UDP socket is {@code WSAECONNRESET};</li>
 * <li>a send after {@code shutdown(SD_SEND)} is {@code WSAESHUTDOWN}; sends never raise {@code SIGPIPE};</li>
 * <li>IPv6 sockets start {@code IPV6_V6ONLY} (Windows' default);</li>
 * <li>{@code SO_LINGER} is {@code {u_short l_onoff; u_short l_linger}}, {@code SO_ERROR} a Winsock code.</li>
 * </ul>
 *
 * <p>Linux errors become Winsock codes by name ({@code ECONNREFUSED} to {@code WSAECONNREFUSED}); an
 * errno the table lacks fails the test loudly rather than being guessed. {@code IocpEmulation.md} in
 * poll-iocp lists what this does not model.
 *
 * <p>Threading: as Winsock: any thread; the last error is per thread.
 */
final class EmulatedWs2 implements Ws2.Lib {
    /** The libc calls {@link Posix} does not expose with raw addresses; six arguments, so one is a Pointer. */
    public interface Calls {
        @ssize_t long recvfrom(int fd, @intptr_t long buf, @size_t long len, int flags, Pointer from,
                @intptr_t long fromlen);

        @ssize_t long sendto(int fd, @intptr_t long buf, @size_t long len, int flags, Pointer to, int tolen);
    }

    private static final Calls CALLS = LibraryLoader.create(Calls.class).failImmediately().load("c");
    private static final Runtime RT = Runtime.getSystemRuntime();
    private static final SocketConstants SC = SocketConstants.current();
    private static final int LINUX_AF_INET6 = 10;
    private static final int MSG_TRUNC = 0x20;
    private static final int LINUX_SOL_SOCKET = 1;

    private final ThreadLocal<int[]> lastError = ThreadLocal.withInitial(() -> new int[1]);

    EmulatedWs2() {
        if (Platform.current() != Platform.LINUX) {
            throw new IllegalStateException("the Winsock emulation runs over Linux sockets only");
        }
    }

    private int fail(int wsaError) {
        lastError.get()[0] = wsaError;
        return -1;
    }

    private int fail(IOException e) {
        return fail(wsa(((SyscallFailure) e).errnoName()));
    }

    /** @return the Winsock code of a Linux errno name */
    static int wsa(String errnoName) {
        switch (errnoName) {
            case "EAGAIN": case "EINPROGRESS": return WinsockErrors.WSAEWOULDBLOCK;
            case "EPIPE": return WinsockErrors.WSAESHUTDOWN;
            default:
                int code = WinsockErrors.code("WSA" + errnoName);
                if (code < 0) {
                    throw new AssertionError("the Winsock emulation has no code for " + errnoName);
                }
                return code;
        }
    }

    private static Pointer at(long address) {
        return Pointer.wrap(RT, address);
    }

    /** Copies a Windows sockaddr to Linux's layout in this thread's scratch (the same bytes but the family). */
    private static long toLinux(long name, int namelen, long into) {
        Pointer src = at(name);
        Pointer dst = at(into);
        for (int i = 0; i < namelen; i++) {
            dst.putByte(i, src.getByte(i));
        }
        if ((src.getShort(0) & 0xFFFF) == WinSockaddr.AF_INET6) {
            dst.putShort(0, (short) LINUX_AF_INET6);
        }
        return into;
    }

    private static void toWindows(long name) {
        Pointer p = at(name);
        if ((p.getShort(0) & 0xFFFF) == LINUX_AF_INET6) {
            p.putShort(0, (short) WinSockaddr.AF_INET6);
        }
    }

    private static final ThreadLocal<java.nio.ByteBuffer> SPARE = ThreadLocal.withInitial(() -> NativeMemory.allocate(256));

    /** This thread's own 256 bytes, apart from the facade's scratch, for translated structures. */
    private static long spare() {
        return NativeMemory.address(SPARE.get());
    }

    @Override
    public int WSAStartup(short versionRequested, long wsaData) {
        return 0;
    }

    @Override
    public long WSASocketW(int af, int type, int protocol, Pointer protocolInfo, int group, int flags) {
        if ((flags & WinsockSockets.WSA_FLAG_OVERLAPPED) == 0 || (flags & WinsockSockets.WSA_FLAG_NO_HANDLE_INHERIT) == 0) {
            throw new AssertionError("jmio's sockets must be overlapped and not inherited: flags " + flags);
        }
        int domain = af == WinSockaddr.AF_INET6 ? LINUX_AF_INET6 : af;
        try {
            int fd = Posix.socket(domain, type);
            if (af == WinSockaddr.AF_INET6) {
                Posix.setIntOption(fd, SocketConstants.IPPROTO_IPV6, SC.ipv6V6Only, 1);
            }
            return fd;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int bind(long s, long name, int namelen) {
        try {
            Posix.bind((int) s, toLinux(name, namelen, spare()), namelen, "emulated bind");
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int listen(long s, int backlog) {
        try {
            Posix.listen((int) s, backlog);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public long accept(long s, long addr, long addrlen) {
        try {
            int fd = Posix.accept((int) s, addr, addrlen);
            if (fd == Posix.NO_CONNECTION) {
                return fail(WinsockErrors.WSAEWOULDBLOCK);
            }
            if (addr != 0) {
                toWindows(addr);
            }
            return fd;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int connect(long s, long name, int namelen) {
        try {
            return Posix.connect((int) s, toLinux(name, namelen, spare()), namelen, "emulated connect") ? 0
                    : fail(WinsockErrors.WSAEWOULDBLOCK);
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int ioctlsocket(long s, int cmd, long argp) {
        if (cmd != WinsockSockets.FIONBIO || at(argp).getInt(0) != 1) {
            throw new AssertionError("the emulation models ioctlsocket(FIONBIO, 1) only");
        }
        try {
            Posix.setNonBlocking((int) s);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int recv(long s, long buf, int len, int flags) {
        try {
            long n = Posix.recv((int) s, buf, len, linuxFlags(flags));
            return n == Posix.WOULD_BLOCK ? fail(WinsockErrors.WSAEWOULDBLOCK) : (int) n;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int send(long s, long buf, int len, int flags) {
        try {
            long n = Posix.send((int) s, buf, len, linuxFlags(flags));
            return n == Posix.WOULD_BLOCK ? fail(WinsockErrors.WSAEWOULDBLOCK) : (int) n;
        } catch (IOException e) {
            String name = ((SyscallFailure) e).errnoName();
            return fail("ECONNREFUSED".equals(name) ? WinsockErrors.WSAECONNRESET : wsa(name));
        }
    }

    private static int linuxFlags(int flags) {
        if ((flags & ~(WinsockSockets.MSG_OOB | WinsockSockets.MSG_PEEK)) != 0) {
            throw new AssertionError("unmodelled flags " + flags);
        }
        return flags; // MSG_OOB (1) and MSG_PEEK (2) have the same values on Linux
    }

    @Override
    public int recvfrom(long s, long buf, int len, int flags, Pointer from, long fromlen) {
        long n = CALLS.recvfrom((int) s, buf, len, linuxFlags(flags) | MSG_TRUNC, from, fromlen);
        if (n < 0) {
            int errno = LastError.getLastError(Runtime.getRuntime(CALLS));
            String name = Posix.exception("recvfrom", errno, null).errnoName();
            return fail("ECONNREFUSED".equals(name) ? WinsockErrors.WSAECONNRESET : wsa(name));
        }
        if (from != null) {
            toWindows(from.address());
        }
        return n > len ? fail(WinsockErrors.WSAEMSGSIZE) : (int) n;
    }

    @Override
    public int sendto(long s, long buf, int len, int flags, Pointer to, int tolen) {
        long linux = toLinux(to.address(), tolen, spare());
        long n = CALLS.sendto((int) s, buf, len, linuxFlags(flags) | SC.msgNoSignal, at(linux), tolen);
        if (n < 0) {
            int errno = LastError.getLastError(Runtime.getRuntime(CALLS));
            return fail(wsa(Posix.exception("sendto", errno, null).errnoName()));
        }
        return (int) n;
    }

    /** @return {@code {linux level, linux name}} of a Winsock option */
    private static int[] option(int level, int name) {
        if (level == WinsockSockets.SOL_SOCKET) {
            switch (name) {
                case WinsockSockets.SO_REUSEADDR: return new int[] {LINUX_SOL_SOCKET, SC.soReuseAddr};
                case WinsockSockets.SO_KEEPALIVE: return new int[] {LINUX_SOL_SOCKET, SC.soKeepAlive};
                case WinsockSockets.SO_BROADCAST: return new int[] {LINUX_SOL_SOCKET, SC.soBroadcast};
                case WinsockSockets.SO_LINGER: return new int[] {LINUX_SOL_SOCKET, SC.soLinger};
                case WinsockSockets.SO_SNDBUF: return new int[] {LINUX_SOL_SOCKET, SC.soSndBuf};
                case WinsockSockets.SO_RCVBUF: return new int[] {LINUX_SOL_SOCKET, SC.soRcvBuf};
                case WinsockSockets.SO_ERROR: return new int[] {LINUX_SOL_SOCKET, SC.soError};
                default: break;
            }
        } else if (level == WinsockSockets.IPPROTO_TCP && name == WinsockSockets.TCP_NODELAY) {
            return new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY};
        } else if (level == WinsockSockets.IPPROTO_IP) {
            switch (name) {
                case WinsockSockets.IP_TTL: return new int[] {SocketConstants.IPPROTO_IP, SC.ipTtl};
                case WinsockSockets.IP_MULTICAST_TTL: return new int[] {SocketConstants.IPPROTO_IP, SC.ipMulticastTtl};
                case WinsockSockets.IP_MULTICAST_LOOP: return new int[] {SocketConstants.IPPROTO_IP, SC.ipMulticastLoop};
                case WinsockSockets.IP_ADD_MEMBERSHIP: return new int[] {SocketConstants.IPPROTO_IP, SC.ipAddMembership};
                case WinsockSockets.IP_DROP_MEMBERSHIP: return new int[] {SocketConstants.IPPROTO_IP, SC.ipDropMembership};
                default: break;
            }
        } else if (level == WinsockSockets.IPPROTO_IPV6) {
            switch (name) {
                case WinsockSockets.IPV6_UNICAST_HOPS: return new int[] {SocketConstants.IPPROTO_IPV6, SC.ipv6UnicastHops};
                case WinsockSockets.IPV6_MULTICAST_LOOP: return new int[] {SocketConstants.IPPROTO_IPV6, SC.ipv6MulticastLoop};
                case WinsockSockets.IPV6_ADD_MEMBERSHIP: return new int[] {SocketConstants.IPPROTO_IPV6, SC.ipv6JoinGroup};
                case WinsockSockets.IPV6_DROP_MEMBERSHIP: return new int[] {SocketConstants.IPPROTO_IPV6, SC.ipv6LeaveGroup};
                case WinsockSockets.IPV6_V6ONLY: return new int[] {SocketConstants.IPPROTO_IPV6, SC.ipv6V6Only};
                default: break;
            }
        }
        throw new AssertionError("unmodelled option level " + level + " name " + name);
    }

    @Override
    public int getsockopt(long s, int level, int optname, long optval, long optlen) {
        int[] o = option(level, optname);
        long tmp = spare();
        try {
            Posix.getOption((int) s, o[0], o[1], tmp, 8);
        } catch (IOException e) {
            return fail(e);
        }
        Pointer linux = at(tmp);
        Pointer out = at(optval);
        if (level == WinsockSockets.SOL_SOCKET && optname == WinsockSockets.SO_LINGER) {
            out.putShort(0, (short) linux.getInt(0));
            out.putShort(2, (short) linux.getInt(4));
            at(optlen).putInt(0, WinsockSockets.LINGER_SIZE);
        } else if (level == WinsockSockets.SOL_SOCKET && optname == WinsockSockets.SO_ERROR) {
            int errno = linux.getInt(0);
            out.putInt(0, errno == 0 ? 0 : wsa(Posix.exception("SO_ERROR", errno, null).errnoName()));
            at(optlen).putInt(0, 4);
        } else {
            out.putInt(0, linux.getInt(0));
            at(optlen).putInt(0, 4);
        }
        return 0;
    }

    @Override
    public int setsockopt(long s, int level, int optname, long optval, int optlen) {
        int[] o = option(level, optname);
        long value = optval;
        int length = optlen;
        if (level == WinsockSockets.SOL_SOCKET && optname == WinsockSockets.SO_LINGER) {
            Pointer win = at(optval);
            value = spare();
            at(value).putInt(0, win.getShort(0) & 0xFFFF);
            at(value).putInt(4, win.getShort(2) & 0xFFFF);
            length = 8;
        }
        try {
            Posix.setOption((int) s, o[0], o[1], value, length);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int getsockname(long s, long name, long namelen) {
        return socketName(s, name, namelen, false);
    }

    @Override
    public int getpeername(long s, long name, long namelen) {
        return socketName(s, name, namelen, true);
    }

    private int socketName(long s, long name, long namelen, boolean peer) {
        try {
            int len = Posix.socketAddress((int) s, peer); // into this thread's scratch
            NativeScratch scratch = NativeScratch.get();
            Pointer out = at(name);
            for (int i = 0; i < len; i++) {
                out.putByte(i, scratch.buffer.get(NativeScratch.SOCKADDR_OFFSET + i));
            }
            at(namelen).putInt(0, len);
            toWindows(name);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int shutdown(long s, int how) {
        try {
            Posix.shutdown((int) s, how);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int closesocket(long s) {
        try {
            Posix.close((int) s);
            return 0;
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public int WSAGetLastError() {
        return lastError.get()[0];
    }
}
