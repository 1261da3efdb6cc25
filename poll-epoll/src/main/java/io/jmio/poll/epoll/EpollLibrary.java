package io.jmio.poll.epoll;

import jnr.ffi.LibraryLoader;
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

    static final Lib LIB;
    static final Throwable LOAD_FAILURE;

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
    }
}
