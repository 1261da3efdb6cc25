package io.jmio.poll.kqueue;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.u_int64_t;

/**
 * Test-only jnr-ffi binding of the Linux calls {@link EmulatedKqueueSystem} is built on: epoll,
 * eventfd, {@code ioctl(FIONREAD)} and {@code fcntl(F_GETFD)}. It lives in the tests so that
 * poll-kqueue does not depend on poll-epoll; only the emulation calls it.
 */
final class LinuxTestLibrary {
    private LinuxTestLibrary() {
    }

    /** Signatures as in {@code sys/epoll.h}, {@code sys/eventfd.h}, {@code sys/ioctl.h}, {@code fcntl.h}. */
    public interface Lib {
        int epoll_create1(int flags);

        int epoll_ctl(int epfd, int op, int fd, @intptr_t long event);

        int epoll_wait(int epfd, @intptr_t long events, int maxevents, int timeout);

        int eventfd(int initval, int flags);

        /**
         * Bound as a fixed-argument function: jnr-ffi's variadic invoker boxes its arguments on every
         * call, which the allocation contracts over the emulation would see. On Linux (x86_64 and
         * aarch64, the only systems this test library loads on) integer arguments of a variadic
         * function travel exactly as fixed ones.
         */
        int ioctl(int fd, @u_int64_t long request, @intptr_t long arg);

        /** {@code poll(2)}: {@code struct pollfd {int fd; short events; short revents;}}, 8 bytes. */
        int poll(@intptr_t long fds, @u_int64_t long nfds, int timeout);

        @Variadic(fixedCount = 2)
        int fcntl(int fd, int cmd, int arg);
    }

    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final long FIONREAD = 0x541B;
    static final int F_GETFD = 1;
    static final int POLLOUT = 0x004;
    static final int POLLERR = 0x008;
    /** {@code struct epoll_event}: 12 bytes packed on x86_64, 16 elsewhere; {@code data} at 4 or 8. */
    static final boolean PACKED = System.getProperty("os.arch", "").equals("amd64") || System.getProperty("os.arch", "").equals("x86_64");
    static final int EPOLL_EVENT_SIZE = PACKED ? 12 : 16;
    static final int EPOLL_DATA_OFFSET = PACKED ? 4 : 8;

    static final Lib LIB = LibraryLoader.create(Lib.class).failImmediately().load("libc.so.6");
    private static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIB);

    /** @return the errno the last failed call of this thread left */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
