package io.jmio.poll.iocp;

import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.intptr_t;

/**
 * Test-only Winsock binding for {@code IocpWindowsTest}: real loopback TCP sockets on Windows, made
 * without the JDK so that their raw {@code SOCKET} handles are at hand. Loaded only when a Windows
 * test first uses it.
 */
final class Winsock {
    private Winsock() {
    }

    /** Signatures as in {@code winsock2.h} (LLP64: {@code SOCKET} is pointer-sized, C {@code long} 32-bit). */
    public interface Lib {
        int WSAStartup(short versionRequested, @intptr_t long wsaData);

        @intptr_t long socket(int af, int type, int protocol);

        int bind(@intptr_t long s, @intptr_t long name, int namelen);

        int listen(@intptr_t long s, int backlog);

        int getsockname(@intptr_t long s, @intptr_t long name, @intptr_t long namelen);

        int connect(@intptr_t long s, @intptr_t long name, int namelen);

        @intptr_t long accept(@intptr_t long s, @intptr_t long addr, @intptr_t long addrlen);

        int send(@intptr_t long s, @intptr_t long buf, int len, int flags);

        int recv(@intptr_t long s, @intptr_t long buf, int len, int flags);

        int shutdown(@intptr_t long s, int how);

        int closesocket(@intptr_t long s);

        int ioctlsocket(@intptr_t long s, int cmd, @intptr_t long argp);

        int WSAGetLastError();
    }

    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int IPPROTO_TCP = 6;
    /** {@code FIONBIO}, {@code _IOW('f', 126, u_long)}. */
    static final int FIONBIO = (int) 0x8004667EL;
    static final int SD_SEND = 1;
    static final int WSAEWOULDBLOCK = 10035;
    static final long INVALID_SOCKET = -1L;

    private static Lib lib;

    static synchronized Lib lib() throws IOException {
        if (lib == null) {
            Lib l = LibraryLoader.create(Lib.class).failImmediately().load("ws2_32");
            ByteBuffer data = NativeMemory.allocate(1024); // WSADATA is 408 bytes on x64
            int rc = l.WSAStartup((short) 0x0202, NativeMemory.address(data));
            java.lang.ref.Reference.reachabilityFence(data); // written by the call
            if (rc != 0) {
                throw new IOException("WSAStartup failed: " + rc);
            }
            lib = l;
        }
        return lib;
    }

    private static IOException fail(String call) throws IOException {
        return new IOException(call + " failed: WSA error " + lib().WSAGetLastError());
    }

    /** @return {@code {client, server}}: a connected non-blocking loopback TCP pair */
    static long[] connectedPair() throws IOException {
        Lib l = lib();
        ByteBuffer addr = NativeMemory.allocate(16 + 4);
        long a = NativeMemory.address(addr);
        addr.putShort(0, (short) AF_INET);
        addr.put(2, (byte) 0).put(3, (byte) 0); // port 0: any
        addr.put(4, (byte) 127).put(5, (byte) 0).put(6, (byte) 0).put(7, (byte) 1);
        long listener = l.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (listener == INVALID_SOCKET) {
            throw fail("socket");
        }
        try {
            if (l.bind(listener, a, 16) != 0 || l.listen(listener, 4) != 0) {
                throw fail("bind/listen");
            }
            addr.putInt(16, 16);
            if (l.getsockname(listener, a, a + 16) != 0) {
                throw fail("getsockname");
            }
            long client = l.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
            if (client == INVALID_SOCKET) {
                throw fail("socket");
            }
            if (l.connect(client, a, 16) != 0) {
                IOException e = fail("connect");
                l.closesocket(client);
                throw e;
            }
            long server = l.accept(listener, 0, 0);
            if (server == INVALID_SOCKET) {
                IOException e = fail("accept");
                l.closesocket(client);
                throw e;
            }
            nonBlocking(client);
            nonBlocking(server);
            return new long[] {client, server};
        } finally {
            l.closesocket(listener);
        }
    }

    static void nonBlocking(long s) throws IOException {
        ByteBuffer one = NativeMemory.allocate(4).putInt(0, 1);
        if (lib().ioctlsocket(s, FIONBIO, NativeMemory.address(one)) != 0) {
            throw fail("ioctlsocket(FIONBIO)");
        }
    }

    static void send(long s) throws IOException {
        ByteBuffer b = NativeMemory.allocate(1).put(0, (byte) 42);
        if (lib().send(s, NativeMemory.address(b), 1, 0) != 1) {
            throw fail("send");
        }
    }

    /** @return bytes received until the socket would block (or the peer closed) */
    static long drain(long s) throws IOException {
        ByteBuffer b = NativeMemory.allocate(65536);
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            int n = lib().recv(s, NativeMemory.address(b), 65536, 0);
            if (n > 0) {
                total += n;
            } else if (n == 0) {
                return total;
            } else if (lib().WSAGetLastError() == WSAEWOULDBLOCK) {
                return total;
            } else {
                throw fail("recv");
            }
        }
        throw new IOException("socket never ran dry");
    }

    /** Sends until the socket would block. */
    static long fill(long s) throws IOException {
        ByteBuffer b = NativeMemory.allocate(65536);
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            int n = lib().send(s, NativeMemory.address(b), 65536, 0);
            if (n > 0) {
                total += n;
            } else if (lib().WSAGetLastError() == WSAEWOULDBLOCK) {
                return total;
            } else {
                throw fail("send");
            }
        }
        throw new IOException("socket never filled");
    }

    static void shutdownSend(long s) throws IOException {
        if (lib().shutdown(s, SD_SEND) != 0) {
            throw fail("shutdown");
        }
    }

    static void close(long s) throws IOException {
        if (lib().closesocket(s) != 0) {
            throw fail("closesocket");
        }
    }
}
