package io.jmio.poll.posix;

import io.jmio.poll.SyscallException;

import java.io.IOException;

/**
 * The facade over libc that the Unix backends and jmio's Unix types call: each method is one system
 * call, checks its result, and reports a failure as a {@link SyscallException} naming the call and
 * errno. "Would block" is a return value ({@link #WOULD_BLOCK}), never an exception.
 *
 * <p>Errors are mapped here in one place: {@link #exception(String, int, String)}.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class Posix {
    /** Returned by {@link #read} and {@link #write} when the descriptor is non-blocking and not ready. */
    public static final long WOULD_BLOCK = -1;

    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int FD_CLOEXEC = 1;
    /** {@code O_NONBLOCK}: 04000 on Linux, 4 on macOS and the BSDs. */
    public static final int O_NONBLOCK = Platform.current() == Platform.LINUX ? 0x800 : 0x4;
    /** {@code AF_UNIX}, the same on every Unix. */
    public static final int AF_UNIX = 1;
    /** {@code SOCK_STREAM}, the same on every Unix. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_DGRAM}, the same on every Unix. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SHUT_WR}. */
    public static final int SHUT_WR = 1;

    private Posix() {
    }

    /** @return null if libc is bound, else why not */
    public static Throwable unavailabilityCause() {
        return LibC.LOAD_FAILURE;
    }

    /** @return the errno the last failed call of this thread left, as saved by jnr-ffi */
    public static int lastErrno() {
        return LibC.RUNTIME.getLastError();
    }

    /**
     * Closes a descriptor. {@code EINTR} is not retried: on Linux the descriptor is closed whatever
     * close reports, and retrying could close a number another thread has just been given.
     *
     * @param fd the descriptor
     * @throws SyscallException on {@code EBADF} or {@code EIO}
     */
    public static void close(int fd) throws SyscallException {
        if (LibC.LIB.close(fd) < 0) {
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw exception("close", errno, "fd " + fd);
            }
        }
    }

    /**
     * Reads into native memory.
     *
     * @param fd      a descriptor
     * @param address where to put the bytes
     * @param length  the most bytes to read
     * @return the bytes read, 0 at end of stream, or {@link #WOULD_BLOCK}
     * @throws SyscallException on any other error
     */
    public static long read(int fd, long address, long length) throws SyscallException {
        long n = LibC.LIB.read(fd, address, length);
        return n >= 0 ? n : failedIo("read", fd);
    }

    /**
     * Writes from native memory.
     *
     * @param fd      a descriptor
     * @param address the bytes
     * @param length  how many
     * @return the bytes written, or {@link #WOULD_BLOCK}
     * @throws SyscallException on any other error ({@code EPIPE} included)
     */
    public static long write(int fd, long address, long length) throws SyscallException {
        long n = LibC.LIB.write(fd, address, length);
        return n >= 0 ? n : failedIo("write", fd);
    }

    private static long failedIo(String syscall, int fd) throws SyscallException {
        int errno = lastErrno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return WOULD_BLOCK;
        }
        throw exception(syscall, errno, "fd " + fd);
    }

    /**
     * Creates a pipe whose two ends are non-blocking and close-on-exec.
     *
     * @return {@code {readEnd, writeEnd}}
     * @throws SyscallException if the kernel refuses ({@code EMFILE}, {@code ENFILE})
     */
    public static int[] pipe() throws SyscallException {
        int[] fds = new int[2];
        if (LibC.LIB.pipe(fds) < 0) {
            throw exception("pipe", lastErrno(), null);
        }
        return configure(fds, "pipe");
    }

    /**
     * Creates a connected pair of Unix-domain sockets, non-blocking and close-on-exec.
     *
     * @param type {@link #SOCK_STREAM} or {@link #SOCK_DGRAM}
     * @return the two sockets
     * @throws SyscallException if the kernel refuses
     */
    public static int[] socketPair(int type) throws SyscallException {
        int[] fds = new int[2];
        if (LibC.LIB.socketpair(AF_UNIX, type, 0, fds) < 0) {
            throw exception("socketpair", lastErrno(), null);
        }
        return configure(fds, "socketpair");
    }

    private static int[] configure(int[] fds, String what) throws SyscallException {
        try {
            for (int fd : fds) {
                setNonBlocking(fd);
                setCloseOnExec(fd);
            }
            return fds;
        } catch (SyscallException e) {
            closeQuietly(fds[0], e);
            closeQuietly(fds[1], e);
            throw e;
        }
    }

    /**
     * @param fd a descriptor to put in non-blocking mode
     * @throws SyscallException from {@code fcntl}
     */
    public static void setNonBlocking(int fd) throws SyscallException {
        int flags = LibC.LIB.fcntl(fd, F_GETFL, 0);
        if (flags < 0 || LibC.LIB.fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            throw exception("fcntl(F_SETFL)", lastErrno(), "fd " + fd);
        }
    }

    /**
     * @param fd a descriptor to mark close-on-exec
     * @throws SyscallException from {@code fcntl}
     */
    public static void setCloseOnExec(int fd) throws SyscallException {
        if (LibC.LIB.fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            throw exception("fcntl(F_SETFD)", lastErrno(), "fd " + fd);
        }
    }

    /**
     * @param fd  a socket
     * @param how {@link #SHUT_WR} and friends
     * @throws SyscallException from {@code shutdown}
     */
    public static void shutdown(int fd, int how) throws SyscallException {
        if (LibC.LIB.shutdown(fd, how) < 0) {
            throw exception("shutdown", lastErrno(), "fd " + fd);
        }
    }

    /**
     * Closes {@code fd} while another failure is being reported, attaching a close failure to it.
     *
     * @param fd      the descriptor
     * @param primary the failure being reported
     */
    public static void closeQuietly(int fd, Throwable primary) {
        try {
            close(fd);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** @return this process's id */
    public static int getpid() {
        return LibC.LIB.getpid();
    }

    /**
     * The one place where an errno becomes an exception, for every Unix system call jmio makes.
     *
     * @param syscall the call, with its operation in parentheses, e.g. {@code epoll_ctl(ADD)}
     * @param errno   the error number
     * @param context what the caller was doing (e.g. {@code fd 7 is already registered}), or null
     * @return the exception, to throw
     */
    public static SyscallException exception(String syscall, int errno, String context) {
        String description = describe(errno);
        return new SyscallException(syscall, errno, Errno.current().name(errno),
                context == null ? description : description + ": " + context);
    }

    /**
     * @param errno an error number
     * @return the C library's description of it ({@code strerror})
     */
    public static String describe(int errno) {
        try {
            String s = LibC.LIB.strerror(errno);
            return s != null ? s : "errno " + errno;
        } catch (RuntimeException e) {
            return "errno " + errno;
        }
    }
}
