package io.jmio.poll.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The jnr-ffi binding of the libc functions every Unix has. Only {@link Posix} calls it.
 *
 * <p>The interface is public at the JVM level because jnr-ffi generates its implementation in a class
 * loader of its own, which cannot implement a package-private interface; nesting it in this
 * package-private class keeps it out of reach of Java code outside the package.
 *
 * <p>Pointers are passed as raw {@code long} addresses ({@code @intptr_t}), which jnr-ffi passes on its
 * fast path with no conversion; errno is saved by jnr-ffi after each call and read only on failure.
 */
final class LibC {
    private LibC() {
    }

    /** The functions; signatures as in POSIX. */
    public interface Lib {
        int close(int fd);

        @ssize_t long read(int fd, @intptr_t long buf, @size_t long count);

        @ssize_t long write(int fd, @intptr_t long buf, @size_t long count);

        int pipe(@Out int[] fds);

        @Variadic(fixedCount = 2)
        int fcntl(int fd, int cmd, int arg);

        int socketpair(int domain, int type, int protocol, @Out int[] fds);

        int shutdown(int fd, int how);

        String strerror(int errnum);

        int getpid();
    }

    /** The bound library, loaded once; fails at load time if a symbol is missing. */
    static final Lib LIB;
    /** The jnr-ffi runtime the library was loaded into (for errno). */
    static final Runtime RUNTIME;
    /** Why loading failed, or null. */
    static final Throwable LOAD_FAILURE;

    static {
        Lib lib = null;
        Runtime runtime = null;
        Throwable failure = null;
        try {
            lib = LibraryLoader.create(Lib.class).failImmediately().load(Platform.current() == Platform.LINUX ? "libc.so.6" : "c");
            runtime = Runtime.getRuntime(lib);
        } catch (Throwable t) {
            failure = t;
        }
        LIB = lib;
        RUNTIME = runtime;
        LOAD_FAILURE = failure;
    }
}
