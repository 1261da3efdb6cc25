package io.jmio.poll.epoll;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;

/**
 * The jnr-ffi binding of Linux's epoll and eventfd calls. Only {@link EpollNative} calls it.
 *
 * <p>The interface is public at the JVM level only because jnr-ffi implements it in a class loader of
 * its own; this package-private holder keeps it out of reach of other packages. Pointers are raw
 * addresses, the fastest argument jnr-ffi passes.
 */
final class EpollLibrary {
    private EpollLibrary() {
    }

    /** Signatures as in {@code sys/epoll.h} and {@code sys/eventfd.h}. */
    public interface Lib {
        int epoll_create1(int flags);

        int epoll_ctl(int epfd, int op, int fd, @intptr_t long event);

        int epoll_wait(int epfd, @intptr_t long events, int maxevents, int timeout);

        int eventfd(int initval, int flags);
    }

    /**
     * {@code epoll_pwait2} (Linux 5.11, glibc 2.35), bound on its own so that a C library without it
     * leaves {@link #LIB} usable. The timeout and the signal mask are {@link Pointer}s rather than raw
     * addresses: jnr-ffi 2.2.17 passes a call of six or more primitive arguments wrongly on x86_64, and
     * with two {@code Pointer}s this signature stays below that (the one {@code Pointer} is made once
     * per selector, so the call allocates nothing).
     */
    public interface Pwait2 {
        int epoll_pwait2(int epfd, @intptr_t long events, int maxevents, Pointer timeout, Pointer sigmask);
    }

    static final Lib LIB;
    static final Throwable LOAD_FAILURE;
    /** Null where the C library has no {@code epoll_pwait2}. */
    static final Pwait2 PWAIT2;

    static {
        Lib lib = null;
        Throwable failure = null;
        try {
            lib = LibraryLoader.create(Lib.class).failImmediately().load("libc.so.6");
        } catch (Throwable t) {
            failure = t;
        }
        LIB = lib;
        LOAD_FAILURE = failure;
        Pwait2 pwait2 = null;
        if (lib != null) {
            try {
                pwait2 = LibraryLoader.create(Pwait2.class).failImmediately().load("libc.so.6");
            } catch (Throwable olderGlibc) {
                pwait2 = null; // epoll_wait, with millisecond timeouts, is used instead
            }
        }
        PWAIT2 = pwait2;
    }
}
