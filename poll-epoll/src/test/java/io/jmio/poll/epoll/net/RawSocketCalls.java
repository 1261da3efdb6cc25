package io.jmio.poll.epoll.net;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Test-only libc calls that jmio does not offer, for the drain-detection tests: a Unix stream message
 * carrying a descriptor ({@code sendmsg} with {@code SCM_RIGHTS}) and a Unix stream {@code MSG_OOB}
 * byte. Layouts are LP64 Linux: {@code msghdr} 56 bytes (iov at 16, iovlen at 24, control at 32,
 * controllen at 40), {@code iovec} 16, {@code cmsghdr} 16 (length, level, type).
 *
 * <p>Threading: thread-safe (each call uses its own memory).
 */
final class RawSocketCalls {
    /** The binding; public because jnr-ffi implements it. */
    public interface Lib {
        long sendmsg(int fd, Pointer msg, int flags);

        long send(int fd, Pointer buf, long len, int flags);
    }

    private static final Lib LIB = LibraryLoader.create(Lib.class).load("libc.so.6");
    private static final Runtime RT = Runtime.getRuntime(LIB);
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_OOB = 1;

    private RawSocketCalls() {
    }

    private static Pointer bytes(byte[] data) {
        Pointer p = Memory.allocateDirect(RT, Math.max(1, data.length));
        p.put(0, data, 0, data.length);
        return p;
    }

    /** Sends {@code data} with {@code passed} attached as {@code SCM_RIGHTS}; returns the bytes sent. */
    static long sendWithDescriptor(int fd, byte[] data, int passed) {
        Pointer iov = Memory.allocateDirect(RT, 16);
        iov.putAddress(0, bytes(data).address());
        iov.putLong(8, data.length);
        Pointer control = Memory.allocateDirect(RT, 24); // CMSG_SPACE(sizeof(int))
        control.putLong(0, 20);                          // CMSG_LEN(sizeof(int))
        control.putInt(8, SOL_SOCKET);
        control.putInt(12, SCM_RIGHTS);
        control.putInt(16, passed);
        Pointer msg = Memory.allocateDirect(RT, 56);
        for (int i = 0; i < 56; i += 8) {
            msg.putLong(i, 0);
        }
        msg.putAddress(16, iov.address());
        msg.putLong(24, 1);
        msg.putAddress(32, control.address());
        msg.putLong(40, 24);
        long n = LIB.sendmsg(fd, msg, 0);
        if (n < 0) {
            throw new IllegalStateException("sendmsg(SCM_RIGHTS) failed, errno " + RT.getLastError());
        }
        return n;
    }

    /** Sends one byte with {@code MSG_OOB} (Unix streams: Linux 5.15+); returns the bytes sent, -1 if refused. */
    static long sendOutOfBand(int fd, byte b) {
        return LIB.send(fd, bytes(new byte[] {b}), 1, MSG_OOB);
    }
}
