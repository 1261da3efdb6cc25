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
 *
 * <p>Why every call saves errno (no {@code @IgnoreError}, although the hot calls could tail-jump without
 * it): saving costs about 3 ns a call ({@code HotPathBenchmark}: {@code labs} 10.9 ns saving, 8.1 ns not),
 * against 320-350 ns for the cheapest {@code recv}. The only way to skip it is to read errno from Java
 * after a failed call through {@code __errno_location}, and that is not correct on a JVM: between the
 * native function's return and the next Java bytecode the thread passes the JVM's native-to-Java
 * transition, which may block for a safepoint or handshake in the JVM's own C++ code (futexes, mutexes,
 * allocation) and so overwrite errno; {@code EAGAIN} could then read as anything. jnr-ffi saves errno in
 * the stub, before that transition, which is the only safe place short of a JNI function of our own (as
 * the JDK and Netty do). Reading the saved value ({@code Posix.lastErrno}) is a JNI call of about 8 ns,
 * paid once per failed call (one per drained read in an edge-triggered loop).
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

        // ---- sockets (added for jmio's net types); addresses and lengths as raw native addresses.
        // No six-argument calls (recvfrom, sendto): jnr-ffi's (2.2.17 to 2.3.0) x86_64 stub generator
        // (X86MethodGenerator) passes a garbage sixth argument (seen with strace; jnr/jnr-ffi#181,
        // gone with -Djnr.ffi.x86asm.enabled=false), so datagrams with addresses use recvmsg/sendmsg.

        int socket(int domain, int type, int protocol);

        int bind(int fd, @intptr_t long addr, int addrlen);

        int listen(int fd, int backlog);

        int accept(int fd, @intptr_t long addr, @intptr_t long addrlenPtr);

        int connect(int fd, @intptr_t long addr, int addrlen);

        int getsockopt(int fd, int level, int name, @intptr_t long value, @intptr_t long lengthPtr);

        int setsockopt(int fd, int level, int name, @intptr_t long value, int length);

        int getsockname(int fd, @intptr_t long addr, @intptr_t long addrlenPtr);

        int getpeername(int fd, @intptr_t long addr, @intptr_t long addrlenPtr);

        @ssize_t long recv(int fd, @intptr_t long buf, @size_t long length, int flags);

        @ssize_t long send(int fd, @intptr_t long buf, @size_t long length, int flags);

        @ssize_t long recvmsg(int fd, @intptr_t long msghdr, int flags);

        @ssize_t long sendmsg(int fd, @intptr_t long msghdr, int flags);

        @ssize_t long readv(int fd, @intptr_t long iov, int iovcnt);

        @ssize_t long writev(int fd, @intptr_t long iov, int iovcnt);
    }

    /**
     * {@code accept4}, which sets {@code SOCK_NONBLOCK | SOCK_CLOEXEC} atomically; Linux and FreeBSD
     * only, so it lives apart from {@link Lib}, whose loading must not fail on macOS.
     */
    public interface Accept4Lib {
        int accept4(int fd, @intptr_t long addr, @intptr_t long addrlenPtr, int flags);
    }

    /** The bound library, loaded once; fails at load time if a symbol is missing. */
    static final Lib LIB;
    /** The jnr-ffi runtime the library was loaded into (for errno). */
    static final Runtime RUNTIME;
    /** Why loading failed, or null. */
    static final Throwable LOAD_FAILURE;
    /** {@code accept4} where the OS has it (Linux, FreeBSD), else null. */
    static final Accept4Lib ACCEPT4;

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
        Accept4Lib accept4 = null;
        Platform platform = Platform.current();
        if (failure == null && (platform == Platform.LINUX || platform == Platform.FREEBSD)) {
            try {
                accept4 = LibraryLoader.create(Accept4Lib.class).failImmediately()
                        .load(platform == Platform.LINUX ? "libc.so.6" : "c");
            } catch (RuntimeException | LinkageError e) {
                accept4 = null;  // an old libc: accept, then fcntl, as on macOS
            }
        }
        ACCEPT4 = accept4;
    }
}
