package io.jmio.poll.iocp;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.intptr_t;

/**
 * Test-only jnr-ffi binding of Linux's epoll, eventfd and isatty, the readiness source of
 * {@link EmulatedIocp}. (poll-iocp does not depend on poll-epoll; this is its own small binding.)
 */
final class LinuxEpoll {
    private LinuxEpoll() {
    }

    /** Signatures as in {@code sys/epoll.h}, {@code sys/eventfd.h} and {@code unistd.h}. */
    public interface Lib {
        int epoll_create1(int flags);

        int epoll_ctl(int epfd, int op, int fd, @intptr_t long event);

        int epoll_wait(int epfd, @intptr_t long events, int maxevents, int timeout);

        int eventfd(int initval, int flags);

        /** Used only to tell an open descriptor from a closed one (EBADF); fcntl is variadic and allocates. */
        int isatty(int fd);

        /** {@code poll(2)}: the emulation's readiness probe at submission and cancellation. */
        int poll(@intptr_t long fds, int nfds, int timeout);
    }

    static final Lib LIB = LibraryLoader.create(Lib.class).failImmediately().load("libc.so.6");

    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;

    /** {@code struct epoll_event}: packed (12 bytes) on x86_64, 16 bytes elsewhere. */
    static final boolean PACKED = System.getProperty("os.arch", "").equals("amd64")
            || System.getProperty("os.arch", "").equals("x86_64");
    static final int EVENT_SIZE = PACKED ? 12 : 16;
    static final int EVENT_DATA_OFFSET = PACKED ? 4 : 8;
}
