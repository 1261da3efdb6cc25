package io.jmio.poll.iocp.winsock;

import io.jmio.poll.iocp.NativeFunction;

import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * Holder of the one binding of Winsock ({@code ws2_32.dll}, plus kernel32's
 * {@code SetHandleInformation}): the interface {@link Lib} and its implementation {@link Direct}, which
 * calls each function through jffi's primitive invokers ({@link NativeFunction}), allocating nothing
 * per call (jnr-ffi's own stubs allocate on Windows, where it turns its fast generators off). Nothing
 * here is loaded until {@link WinsockSockets} is, which happens only on Windows (or in tests, over an
 * emulation, or over libc for the call-path test).
 *
 * <p>Types follow {@code winsock2.h} on LLP64: {@code SOCKET} and pointers are pointer-sized Java
 * {@code long}s; {@code int} and {@code u_long} are 32-bit Java {@code int}s.
 *
 * <p>Threading: the loaded functions are immutable and thread-safe.
 */
final class Ws2 {
    private Ws2() {
    }

    /** The Winsock functions jmio calls; see the class comment for the types. */
    public interface Lib {
        int WSAStartup(short versionRequested, long wsaData);

        long WSASocketW(int af, int type, int protocol, long protocolInfo, int group, int flags);

        int bind(long s, long name, int namelen);

        int listen(long s, int backlog);

        long accept(long s, long addr, long addrlen);

        int connect(long s, long name, int namelen);

        int ioctlsocket(long s, int cmd, long argp);

        int WSAIoctl(long s, int code, long in, int inLength, long out, int outLength, long bytesReturned,
                long overlapped, long completionRoutine);

        int recv(long s, long buf, int len, int flags);

        int send(long s, long buf, int len, int flags);

        int recvfrom(long s, long buf, int len, int flags, long from, long fromlen);

        int sendto(long s, long buf, int len, int flags, long to, int tolen);

        int getsockopt(long s, int level, int optname, long optval, long optlen);

        int setsockopt(long s, int level, int optname, long optval, int optlen);

        int getsockname(long s, long name, long namelen);

        int getpeername(long s, long name, long namelen);

        int shutdown(long s, int how);

        int closesocket(long s);

        int WSAGetLastError();

        /** kernel32's {@code SetHandleInformation(HANDLE, DWORD mask, DWORD flags)}. */
        int SetHandleInformation(long handle, int mask, int flags);
    }

    /** @return ws2_32 and kernel32, bound now (fails here, not at the first call, if a function is missing) */
    static Lib load() {
        return new Direct(NativeFunction.library("ws2_32.dll"), NativeFunction.library("kernel32.dll"), true);
    }

    /**
     * The functions of {@code library} (and {@code kernel}) by their Winsock names, for the test that
     * drives this call path against libc, where the hot functions exist with the same shapes;
     * missing functions fail when called.
     */
    static Direct bindPresent(String library, String kernel) {
        return new Direct(NativeFunction.library(library), NativeFunction.library(kernel), false);
    }

    /**
     * Every function through {@link NativeFunction}; the last error of each call is the one jffi saved
     * ({@link NativeFunction#lastError()}), which is {@code WSAGetLastError()}'s value.
     */
    static final class Direct implements Lib {
        private static final Type S = Type.SINT32;
        private static final Type U = Type.UINT32;
        private static final Type H = Type.SINT64; // SOCKET, HANDLE: UINT_PTR
        private static final Type P = Type.POINTER;

        private final NativeFunction wsaStartup;
        private final NativeFunction wsaSocketW;
        private final NativeFunction bind;
        private final NativeFunction listen;
        private final NativeFunction accept;
        private final NativeFunction connect;
        private final NativeFunction ioctlsocket;
        private final NativeFunction wsaIoctl;
        private final NativeFunction recv;
        private final NativeFunction send;
        private final NativeFunction recvfrom;
        private final NativeFunction sendto;
        private final NativeFunction getsockopt;
        private final NativeFunction setsockopt;
        private final NativeFunction getsockname;
        private final NativeFunction getpeername;
        private final NativeFunction shutdown;
        private final NativeFunction closesocket;
        private final NativeFunction wsaGetLastError;
        private final NativeFunction setHandleInformation;

        Direct(Library ws2, Library kernel32, boolean all) {
            wsaStartup = f(ws2, all, "WSAStartup", S, Type.UINT16, P);
            wsaSocketW = f(ws2, all, "WSASocketW", H, S, S, S, P, U, U);
            bind = f(ws2, all, "bind", S, H, P, S);
            listen = f(ws2, all, "listen", S, H, S);
            accept = f(ws2, all, "accept", H, H, P, P);
            connect = f(ws2, all, "connect", S, H, P, S);
            ioctlsocket = f(ws2, all, "ioctlsocket", S, H, S, P);
            wsaIoctl = f(ws2, all, "WSAIoctl", S, H, U, P, U, P, U, P, P, P);
            recv = f(ws2, all, "recv", S, H, P, S, S);
            send = f(ws2, all, "send", S, H, P, S, S);
            recvfrom = f(ws2, all, "recvfrom", S, H, P, S, S, P, P);
            sendto = f(ws2, all, "sendto", S, H, P, S, S, P, S);
            getsockopt = f(ws2, all, "getsockopt", S, H, S, S, P, P);
            setsockopt = f(ws2, all, "setsockopt", S, H, S, S, P, S);
            getsockname = f(ws2, all, "getsockname", S, H, P, P);
            getpeername = f(ws2, all, "getpeername", S, H, P, P);
            shutdown = f(ws2, all, "shutdown", S, H, S);
            closesocket = f(ws2, all, "closesocket", S, H);
            wsaGetLastError = f(ws2, all, "WSAGetLastError", S);
            setHandleInformation = f(kernel32, all, "SetHandleInformation", S, H, U, U);
        }

        private static NativeFunction f(Library library, boolean required, String name, Type result, Type... params) {
            return required ? NativeFunction.bind(library, name, result, params)
                    : NativeFunction.find(library, name, result, params);
        }

        private static NativeFunction present(NativeFunction f, String name) {
            if (f == null) {
                throw new UnsatisfiedLinkError(name + " is not bound");
            }
            return f;
        }

        @Override
        public int WSAStartup(short versionRequested, long wsaData) {
            return (int) present(wsaStartup, "WSAStartup").call2(versionRequested & 0xFFFF, wsaData);
        }

        @Override
        public long WSASocketW(int af, int type, int protocol, long protocolInfo, int group, int flags) {
            return present(wsaSocketW, "WSASocketW").call6(af, type, protocol, protocolInfo, group, flags);
        }

        @Override
        public int bind(long s, long name, int namelen) {
            return (int) present(bind, "bind").call3(s, name, namelen);
        }

        @Override
        public int listen(long s, int backlog) {
            return (int) present(listen, "listen").call2(s, backlog);
        }

        @Override
        public long accept(long s, long addr, long addrlen) {
            return present(accept, "accept").call3(s, addr, addrlen);
        }

        @Override
        public int connect(long s, long name, int namelen) {
            return (int) present(connect, "connect").call3(s, name, namelen);
        }

        @Override
        public int ioctlsocket(long s, int cmd, long argp) {
            return (int) present(ioctlsocket, "ioctlsocket").call3(s, cmd, argp);
        }

        @Override
        public int WSAIoctl(long s, int code, long in, int inLength, long out, int outLength, long bytesReturned,
                long overlapped, long completionRoutine) {
            return present(wsaIoctl, "WSAIoctl").callInt(s, code, in, inLength, out, outLength, bytesReturned,
                    overlapped, completionRoutine, 0, 0);
        }

        @Override
        public int recv(long s, long buf, int len, int flags) {
            return (int) present(recv, "recv").call4(s, buf, len, flags);
        }

        @Override
        public int send(long s, long buf, int len, int flags) {
            return (int) present(send, "send").call4(s, buf, len, flags);
        }

        @Override
        public int recvfrom(long s, long buf, int len, int flags, long from, long fromlen) {
            return (int) present(recvfrom, "recvfrom").call6(s, buf, len, flags, from, fromlen);
        }

        @Override
        public int sendto(long s, long buf, int len, int flags, long to, int tolen) {
            return (int) present(sendto, "sendto").call6(s, buf, len, flags, to, tolen);
        }

        @Override
        public int getsockopt(long s, int level, int optname, long optval, long optlen) {
            return (int) present(getsockopt, "getsockopt").call5(s, level, optname, optval, optlen);
        }

        @Override
        public int setsockopt(long s, int level, int optname, long optval, int optlen) {
            return (int) present(setsockopt, "setsockopt").call5(s, level, optname, optval, optlen);
        }

        @Override
        public int getsockname(long s, long name, long namelen) {
            return (int) present(getsockname, "getsockname").call3(s, name, namelen);
        }

        @Override
        public int getpeername(long s, long name, long namelen) {
            return (int) present(getpeername, "getpeername").call3(s, name, namelen);
        }

        @Override
        public int shutdown(long s, int how) {
            return (int) present(shutdown, "shutdown").call2(s, how);
        }

        @Override
        public int closesocket(long s) {
            return (int) present(closesocket, "closesocket").call1(s);
        }

        @Override
        public int WSAGetLastError() {
            return (int) present(wsaGetLastError, "WSAGetLastError").call0();
        }

        @Override
        public int SetHandleInformation(long handle, int mask, int flags) {
            return (int) present(setHandleInformation, "SetHandleInformation").call3(handle, mask, flags);
        }
    }
}
