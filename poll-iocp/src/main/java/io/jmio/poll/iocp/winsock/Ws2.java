package io.jmio.poll.iocp.winsock;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;

/**
 * Holder of the one jnr-ffi binding of Winsock ({@code ws2_32.dll}). Package-private, with a nested
 * public interface because jnr-ffi cannot implement a package-private one. Nothing here is loaded
 * until {@link WinsockSockets} is, which happens only on Windows (or in tests, over an emulation).
 *
 * <p>Types follow {@code winsock2.h} on LLP64: {@code SOCKET} is pointer-sized ({@code @intptr_t long}),
 * {@code int} and {@code u_long} are 32-bit. Functions with six arguments take one of them as a
 * {@link Pointer}, which keeps them off jnr-ffi's all-primitive stub (2.2.17 to 2.3.0) (its sixth argument is
 * wrong on x86_64; see {@code JnrSixArgumentTest}).
 *
 * <p>Threading: the loaded library is immutable and thread-safe.
 */
final class Ws2 {
    private Ws2() {
    }

    /** The Winsock functions jmio calls; see the class comment for the types. */
    public interface Lib {
        int WSAStartup(short versionRequested, @intptr_t long wsaData);

        @intptr_t long WSASocketW(int af, int type, int protocol, Pointer protocolInfo, int group, int flags);

        int bind(@intptr_t long s, @intptr_t long name, int namelen);

        int listen(@intptr_t long s, int backlog);

        @intptr_t long accept(@intptr_t long s, @intptr_t long addr, @intptr_t long addrlen);

        int connect(@intptr_t long s, @intptr_t long name, int namelen);

        int ioctlsocket(@intptr_t long s, int cmd, @intptr_t long argp);

        int recv(@intptr_t long s, @intptr_t long buf, int len, int flags);

        int send(@intptr_t long s, @intptr_t long buf, int len, int flags);

        int recvfrom(@intptr_t long s, @intptr_t long buf, int len, int flags, Pointer from, @intptr_t long fromlen);

        int sendto(@intptr_t long s, @intptr_t long buf, int len, int flags, Pointer to, int tolen);

        int getsockopt(@intptr_t long s, int level, int optname, @intptr_t long optval, @intptr_t long optlen);

        int setsockopt(@intptr_t long s, int level, int optname, @intptr_t long optval, int optlen);

        int getsockname(@intptr_t long s, @intptr_t long name, @intptr_t long namelen);

        int getpeername(@intptr_t long s, @intptr_t long name, @intptr_t long namelen);

        int shutdown(@intptr_t long s, int how);

        int closesocket(@intptr_t long s);

        int WSAGetLastError();
    }

    /** @return ws2_32, loaded now (fails here, not at the first call, if it cannot be bound) */
    static Lib load() {
        return LibraryLoader.create(Lib.class).failImmediately().load("ws2_32");
    }
}
