package io.jmio.poll.iocp.winsock;

import io.jmio.poll.iocp.IocpShapes;
import io.jmio.poll.iocp.NativeFunction;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import com.kenai.jffi.Type;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jnr.ffi.LibraryLoader;

/**
 * Run by {@code WindowsCallPathAllocationTest} in a JVM of its own with jnr-ffi's four fast generators
 * switched off, which is the choice jnr-ffi makes on Windows: drives the call path of the Windows
 * bindings ({@link NativeFunction}, {@link Ws2.Direct} and the {@link WinsockSockets} facade itself)
 * against libc functions of the same shapes, and prints one line per measurement:
 * {@code ALLOC <what> <bytes per call>}, {@code CHECK <what> <ok|message>} and {@code CONFIG ...}.
 */
public final class WindowsCallPathProbe {
    private static final int WARMUP = 30_000;
    private static final int CALLS = 10_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A jnr-ffi binding of a two-argument call, to show the configuration allocates as on Windows. */
    public interface JnrLibc {
        int dup2(int oldfd, int newfd);
    }

    @FunctionalInterface
    private interface Op {
        void run() throws IOException;
    }

    private WindowsCallPathProbe() {
    }

    private static double perCall(Op op) throws IOException {
        for (int i = 0; i < WARMUP; i++) {
            op.run();
        }
        double best = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long id = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(id);
            for (int i = 0; i < CALLS; i++) {
                op.run();
            }
            best = Math.min(best, (THREADS.getThreadAllocatedBytes(id) - before) / (double) CALLS);
        }
        return best;
    }

    private static void alloc(String what, Op op) throws IOException {
        System.out.println("ALLOC " + what + " " + perCall(op));
    }

    private static void check(String what, boolean ok, String detail) {
        System.out.println("CHECK " + what + " " + (ok ? "ok" : detail.replace('\n', ' ')));
    }

    /** Ws2.Direct over libc, with WSAStartup (which libc lacks) answered here. */
    private static final class LibcWinsock implements Ws2.Lib {
        final Ws2.Direct d = Ws2.bindPresent("libc.so.6", "libc.so.6");

        @Override public int WSAStartup(short v, long data) {
            return 0;
        }

        @Override public long WSASocketW(int af, int type, int protocol, long info, int group, int flags) {
            return d.WSASocketW(af, type, protocol, info, group, flags);
        }

        @Override public int bind(long s, long name, int len) {
            return d.bind(s, name, len);
        }

        @Override public int listen(long s, int backlog) {
            return d.listen(s, backlog);
        }

        @Override public long accept(long s, long addr, long len) {
            return d.accept(s, addr, len);
        }

        @Override public int connect(long s, long name, int len) {
            return d.connect(s, name, len);
        }

        @Override public int ioctlsocket(long s, int cmd, long argp) {
            return d.ioctlsocket(s, cmd, argp);
        }

        @Override public int WSAIoctl(long s, int c, long in, int il, long out, int ol, long br, long ov, long cr) {
            return d.WSAIoctl(s, c, in, il, out, ol, br, ov, cr);
        }

        @Override public int recv(long s, long buf, int len, int flags) {
            return d.recv(s, buf, len, flags);
        }

        @Override public int send(long s, long buf, int len, int flags) {
            return d.send(s, buf, len, flags);
        }

        @Override public int recvfrom(long s, long buf, int len, int flags, long from, long fromlen) {
            return d.recvfrom(s, buf, len, flags, from, fromlen);
        }

        @Override public int sendto(long s, long buf, int len, int flags, long to, int tolen) {
            return d.sendto(s, buf, len, flags, to, tolen);
        }

        @Override public int getsockopt(long s, int level, int name, long val, long len) {
            return d.getsockopt(s, level, name, val, len);
        }

        @Override public int setsockopt(long s, int level, int name, long val, int len) {
            return d.setsockopt(s, level, name, val, len);
        }

        @Override public int getsockname(long s, long name, long len) {
            return d.getsockname(s, name, len);
        }

        @Override public int getpeername(long s, long name, long len) {
            return d.getpeername(s, name, len);
        }

        @Override public int shutdown(long s, int how) {
            return d.shutdown(s, how);
        }

        @Override public int closesocket(long s) {
            return d.closesocket(s);
        }

        @Override public int WSAGetLastError() {
            return NativeFunction.lastError();
        }

        @Override public int SetHandleInformation(long handle, int mask, int flags) {
            return d.SetHandleInformation(handle, mask, flags);
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("CONFIG jnr.ffi.x86asm.enabled=" + System.getProperty("jnr.ffi.x86asm.enabled")
                + " fast-int=" + System.getProperty("jnr.ffi.fast-int.enabled")
                + " fast-long=" + System.getProperty("jnr.ffi.fast-long.enabled")
                + " fast-numeric=" + System.getProperty("jnr.ffi.fast-numeric.enabled")
                + " reusesBuffers=" + NativeFunction.reusesBuffers());

        // 1. The configuration is Windows': a plain jnr-ffi binding allocates per call.
        JnrLibc jnr = LibraryLoader.create(JnrLibc.class).failImmediately().load("c");
        alloc("jnr-ffi-2-argument-call", () -> jnr.dup2(-1, -1));

        // 2. Every IOCP prototype through NativeFunction, bound to getpid (C ignores extra arguments):
        // the same invokers (invokeN0..N6, the reused buffer beyond six) with the same parameter types.
        com.kenai.jffi.Library libc = NativeFunction.library("libc.so.6");
        int pid = Posix.getpid();
        for (Map.Entry<String, Type[]> e : IocpShapes.all().entrySet()) {
            Type[] params = e.getValue();
            NativeFunction f = NativeFunction.bind(libc, "getpid", Type.SINT32, params);
            Op call;
            switch (params.length) {
                case 1: call = () -> f.call1(1); break;
                case 2: call = () -> f.call2(1, 2); break;
                case 3: call = () -> f.call3(1, 2, 3); break;
                case 4: call = () -> f.call4(1, 2, 3, 4); break;
                case 6: call = () -> f.call6(1, 2, 3, 4, 5, 6); break;
                default: call = () -> f.callInt(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11); break;
            }
            long r = params.length == 1 ? f.call1(1) : params.length == 2 ? f.call2(1, 2) : params.length == 3
                    ? f.call3(1, 2, 3) : params.length == 4 ? f.call4(1, 2, 3, 4) : params.length == 6
                    ? f.call6(1, 2, 3, 4, 5, 6) : f.callInt(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            check(e.getKey() + "-result", (int) r == pid, "getpid through the shape of " + e.getKey() + " gave " + r);
            alloc(e.getKey(), call);
        }

        // 2b. What a call of ten arguments would cost without the reused buffer (jffi's public API alone,
        // which is also the fallback where the buffer's fields cannot be reached): the documented figure.
        Type[] ten = IocpShapes.all().get("NtDeviceIoControlFile");
        com.kenai.jffi.CallContext tenContext = com.kenai.jffi.CallContextCache.getInstance()
                .getCallContext(Type.SINT32, ten, com.kenai.jffi.CallingConvention.DEFAULT, true);
        long getpid = libc.getSymbolAddress("getpid");
        com.kenai.jffi.Invoker invoker = com.kenai.jffi.Invoker.getInstance();
        alloc("ten-arguments-fresh-buffer", () -> {
            com.kenai.jffi.HeapInvocationBuffer b = new com.kenai.jffi.HeapInvocationBuffer(tenContext);
            for (int i = 0; i < ten.length; i++) {
                b.putLong(i);
            }
            invoker.invokeInt(tenContext, getpid, b);
        });

        // 3. Arguments beyond six arrive (stack-passed on both ABIs): snprintf with ten.
        NativeFunction snprintf = NativeFunction.bind(libc, "snprintf", Type.SINT32, Type.POINTER, Type.UINT32,
                Type.POINTER, Type.SINT32, Type.SINT32, Type.SINT32, Type.SINT32, Type.SINT32, Type.SINT32, Type.SINT32);
        ByteBuffer text = NativeMemory.allocate(64);
        ByteBuffer format = NativeMemory.allocate(32);
        format.put(0, "%d %d %d %d %d %d %d\0".getBytes(StandardCharsets.US_ASCII));
        long textAt = NativeMemory.address(text);
        long formatAt = NativeMemory.address(format);
        int len = snprintf.callInt(textAt, 64, formatAt, 1, 2, 3, 4, 5, 6, 7, 0);
        byte[] got = new byte[Math.max(0, Math.min(len, 63))];
        text.get(0, got);
        String printed = new String(got, StandardCharsets.US_ASCII);
        check("ten-arguments", "1 2 3 4 5 6 7".equals(printed), "snprintf printed '" + printed + "'");

        // 4. The Winsock facade itself over libc: stream reads and writes, datagrams, the saved error.
        WinsockSockets ws = new WinsockSockets(new LibcWinsock(), true);
        int[] pair = Posix.socketPair(Posix.SOCK_STREAM);
        Posix.setNonBlocking(pair[0]);
        Posix.setNonBlocking(pair[1]);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        ByteBuffer heap = ByteBuffer.allocate(64);
        Op directRound = () -> {
            direct.clear().limit(16);
            ws.write(pair[0], direct);
            direct.clear();
            if (ws.read(pair[1], direct, false) != 16) {
                throw new IOException("short read");
            }
        };
        Op heapRound = () -> {
            heap.clear().limit(16);
            ws.write(pair[0], heap);
            heap.clear();
            if (ws.read(pair[1], heap, false) != 16) {
                throw new IOException("short read");
            }
        };
        alloc("WinsockSockets.write+read-direct", directRound);
        alloc("WinsockSockets.write+read-heap", heapRound);
        Ws2.Direct d = Ws2.bindPresent("libc.so.6", "libc.so.6");
        long scratch = NativeMemory.address(direct);
        int wouldBlock = d.recv(pair[1], scratch, 1, 0);
        int errno = NativeFunction.lastError();
        check("saved-error", wouldBlock == -1 && errno == 11, "recv on an empty socket gave " + wouldBlock + ", errno " + errno);
        alloc("recv-would-block+lastError", () -> {
            if (d.recv(pair[1], scratch, 1, 0) != -1 || NativeFunction.lastError() != 11) {
                throw new IOException("expected EAGAIN");
            }
        });

        int a = Posix.socket(2, Posix.SOCK_DGRAM);
        int b = Posix.socket(2, Posix.SOCK_DGRAM);
        Posix.setNonBlocking(a);
        Posix.setNonBlocking(b);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ws.bind(a, new InetSocketAddress(loopback, 0));
        ws.bind(b, new InetSocketAddress(loopback, 0));
        InetSocketAddress bAddress = ws.address(b, false);
        InetSocketAddress aAddress = ws.address(a, false);
        ByteBuffer datagram = ByteBuffer.allocateDirect(32);
        datagram.clear().limit(8);
        ws.sendDatagram(a, datagram, bAddress);
        datagram.clear();
        int n = ws.receiveDatagram(b, datagram, false);
        check("recvfrom-sender", n == 8 && aAddress.equals(ws.lastSender()),
                "received " + n + " bytes from " + ws.lastSender() + ", sent from " + aAddress);
        alloc("WinsockSockets.sendDatagram+receiveDatagram", () -> {
            datagram.clear().limit(8);
            ws.sendDatagram(a, datagram, bAddress);
            datagram.clear();
            if (ws.receiveDatagram(b, datagram, false) != 8) {
                throw new IOException("datagram lost");
            }
        });
        System.out.println("DONE");
    }
}
