package io.jmio.poll.posix;

import io.jmio.poll.SyscallException;
import io.jmio.poll.spi.SyscallErrors;

import java.io.IOException;

/**
 * The facade over libc that the Unix backends and jmio's Unix types call: each method is one system
 * call, checks its result, and reports a failure naming the call and errno: a
 * {@link SyscallException} for descriptors in general, the JDK's socket exception types (through
 * {@link SyscallErrors#socketError}) for socket calls. "Would block" is a return value
 * ({@link #WOULD_BLOCK}), never an exception.
 *
 * <p>Errors are mapped here in one place: {@link #exception(String, int, String)} and
 * {@link #socketException(String, int, String)}.
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

    private static long failedSocketIo(String syscall, int fd) throws IOException {
        int errno = lastErrno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return WOULD_BLOCK;
        }
        throw socketException(syscall, errno, "fd " + fd);
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
     * @throws IOException if the kernel refuses
     */
    public static int[] socketPair(int type) throws IOException {
        int[] fds = new int[2];
        if (LibC.LIB.socketpair(AF_UNIX, type, 0, fds) < 0) {
            throw socketException("socketpair", lastErrno(), null);
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
     * @throws IOException from {@code shutdown}
     */
    public static void shutdown(int fd, int how) throws IOException {
        if (LibC.LIB.shutdown(fd, how) < 0) {
            throw socketException("shutdown", lastErrno(), "fd " + fd);
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

    // ---- sockets ---------------------------------------------------------------------------------

    private static final SocketConstants SC = SocketConstants.current();

    /** Returned by {@link #accept} when no connection is pending. */
    public static final int NO_CONNECTION = -1;

    /**
     * Creates a socket that is non-blocking and close-on-exec from birth ({@code SOCK_NONBLOCK |
     * SOCK_CLOEXEC} where the OS has them, else {@code fcntl} right after, as on macOS). On macOS it
     * also sets {@code SO_NOSIGPIPE}, which has no {@code MSG_NOSIGNAL}.
     *
     * @param domain   {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}
     * @param type     {@code SOCK_STREAM} or {@code SOCK_DGRAM}
     * @return the descriptor
     * @throws IOException from {@code socket} or {@code fcntl}
     */
    public static int socket(int domain, int type) throws IOException {
        boolean atomic = SC.sockNonBlock != SocketConstants.NONE;
        int fd = LibC.LIB.socket(domain, atomic ? type | SC.sockNonBlock | SC.sockCloexec : type, 0);
        if (fd < 0) {
            throw socketException("socket", lastErrno(), "domain " + domain + ", type " + type);
        }
        try {
            if (!atomic) {
                setNonBlocking(fd);
                setCloseOnExec(fd);
            }
            if (SC.soNoSigPipe != SocketConstants.NONE) {
                setIntOption(fd, SC.solSocket, SC.soNoSigPipe, 1);
            }
        } catch (IOException e) {
            closeQuietly(fd, e);
            throw e;
        }
        return fd;
    }

    /**
     * @param fd      a socket
     * @param addr    address of a {@code sockaddr}
     * @param addrLen its length
     * @param what    the address in words, for the error message
     * @throws IOException from {@code bind}, e.g. {@code EADDRINUSE}
     */
    public static void bind(int fd, long addr, int addrLen, Object what) throws IOException {
        if (LibC.LIB.bind(fd, addr, addrLen) < 0) {
            throw socketException("bind", lastErrno(), "fd " + fd + " to " + what);
        }
    }

    /**
     * @param fd      a bound socket
     * @param backlog the queue length
     * @throws IOException from {@code listen}
     */
    public static void listen(int fd, int backlog) throws IOException {
        if (LibC.LIB.listen(fd, backlog) < 0) {
            throw socketException("listen", lastErrno(), "fd " + fd);
        }
    }

    /**
     * Accepts a connection, non-blocking and close-on-exec from birth where the OS has
     * {@code accept4}; retries {@code EINTR} and {@code ECONNABORTED} (a connection that died
     * while queued is not the listener's failure).
     *
     * @param fd         a listening socket
     * @param addr       where to put the peer's {@code sockaddr}, or 0
     * @param addrLenPtr address of a {@code socklen_t} holding the room at {@code addr}, or 0
     * @return the new socket, or {@link #NO_CONNECTION}
     * @throws IOException from {@code accept}, e.g. {@code EMFILE}
     */
    public static int accept(int fd, long addr, long addrLenPtr) throws IOException {
        LibC.Accept4Lib accept4 = LibC.ACCEPT4;
        while (true) {
            int client = accept4 != null
                    ? accept4.accept4(fd, addr, addrLenPtr, SC.sockNonBlock | SC.sockCloexec)
                    : LibC.LIB.accept(fd, addr, addrLenPtr);
            if (client >= 0) {
                if (accept4 == null) {
                    try {
                        setNonBlocking(client);
                        setCloseOnExec(client);
                        if (SC.soNoSigPipe != SocketConstants.NONE) {
                            setIntOption(client, SC.solSocket, SC.soNoSigPipe, 1);
                        }
                    } catch (IOException e) {
                        closeQuietly(client, e);
                        throw e;
                    }
                }
                return client;
            }
            int errno = lastErrno();
            if (errno == Errno.EAGAIN) {
                return NO_CONNECTION;
            }
            if (errno != Errno.EINTR && errno != Errno.ECONNABORTED) {
                throw socketException(accept4 != null ? "accept4" : "accept", errno, "listener fd " + fd);
            }
        }
    }

    /**
     * Starts connecting a non-blocking socket.
     *
     * @param fd      a socket
     * @param addr    address of the peer's {@code sockaddr}
     * @param addrLen its length
     * @param what    the peer in words, for the error message
     * @return true if connected at once, false if in progress (the socket turns writable when done)
     * @throws IOException from {@code connect}, e.g. {@code ECONNREFUSED} reported at once
     */
    public static boolean connect(int fd, long addr, int addrLen, Object what) throws IOException {
        if (LibC.LIB.connect(fd, addr, addrLen) == 0) {
            return true;
        }
        int errno = lastErrno();
        if (errno == Errno.EINPROGRESS || errno == Errno.EINTR) {
            return false;
        }
        throw socketException("connect", errno, "fd " + fd + " to " + what);
    }

    /**
     * @param fd    a socket
     * @param level the option level, e.g. {@code SOL_SOCKET}
     * @param name  the option
     * @param value its int value
     * @throws IOException from {@code setsockopt}
     */
    public static void setIntOption(int fd, int level, int name, int value) throws IOException {
        NativeScratch s = NativeScratch.get();
        s.buffer.putInt(NativeScratch.OPTVAL_OFFSET, value);
        setOption(fd, level, name, s.address + NativeScratch.OPTVAL_OFFSET, 4);
    }

    /**
     * @param fd     a socket
     * @param level  the option level
     * @param name   the option
     * @param value  address of the value
     * @param length its length
     * @throws IOException from {@code setsockopt}
     */
    public static void setOption(int fd, int level, int name, long value, int length) throws IOException {
        if (LibC.LIB.setsockopt(fd, level, name, value, length) < 0) {
            throw socketException("setsockopt", lastErrno(), "fd " + fd + ", level " + level + ", option " + name);
        }
    }

    /**
     * @param fd    a socket
     * @param level the option level
     * @param name  the option
     * @return its int value
     * @throws IOException from {@code getsockopt}
     */
    public static int getIntOption(int fd, int level, int name) throws IOException {
        NativeScratch s = NativeScratch.get();
        getOption(fd, level, name, s.address + NativeScratch.OPTVAL_OFFSET, 8);
        return s.buffer.getInt(NativeScratch.OPTVAL_OFFSET);
    }

    /**
     * Reads an option into this thread's {@link NativeScratch} option area.
     *
     * @param fd     a socket
     * @param level  the option level
     * @param name   the option
     * @param value  address of the room for the value
     * @param room   its size
     * @return the length the kernel wrote
     * @throws IOException from {@code getsockopt}
     */
    public static int getOption(int fd, int level, int name, long value, int room) throws IOException {
        NativeScratch s = NativeScratch.get();
        s.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, room);
        if (LibC.LIB.getsockopt(fd, level, name, value, s.address + NativeScratch.SOCKLEN_OFFSET) < 0) {
            throw socketException("getsockopt", lastErrno(), "fd " + fd + ", level " + level + ", option " + name);
        }
        return s.buffer.getInt(NativeScratch.SOCKLEN_OFFSET);
    }

    /**
     * Reads and clears a socket's pending error ({@code SO_ERROR}).
     *
     * @param fd a socket
     * @return the pending error as an exception, or null if there is none
     * @throws IOException if {@code getsockopt} itself fails
     */
    public static IOException takeSocketError(int fd) throws IOException {
        int errno = getIntOption(fd, SC.solSocket, SC.soError);
        return errno == 0 ? null : socketException("SO_ERROR", errno, "fd " + fd);
    }

    /**
     * Writes a socket's local ({@code getsockname}) or peer ({@code getpeername}) address into this
     * thread's {@link NativeScratch} {@code sockaddr} area.
     *
     * @param fd   a socket
     * @param peer true for the peer's address
     * @return the length of the address
     * @throws IOException from the call, e.g. {@code ENOTCONN} for a peer not (yet) connected
     */
    public static int socketAddress(int fd, boolean peer) throws IOException {
        NativeScratch s = NativeScratch.get();
        s.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, Sockaddr.STORAGE_SIZE);
        long addr = s.address + NativeScratch.SOCKADDR_OFFSET;
        long lenPtr = s.address + NativeScratch.SOCKLEN_OFFSET;
        int rc = peer ? LibC.LIB.getpeername(fd, addr, lenPtr) : LibC.LIB.getsockname(fd, addr, lenPtr);
        if (rc < 0) {
            throw socketException(peer ? "getpeername" : "getsockname", lastErrno(), "fd " + fd);
        }
        return s.buffer.getInt(NativeScratch.SOCKLEN_OFFSET);
    }

    /**
     * Receives from a socket.
     *
     * @param fd      a socket
     * @param address where to put the bytes
     * @param length  the most bytes
     * @param flags   {@code MSG_*} flags, e.g. {@code MSG_PEEK}
     * @return the bytes received, 0 at end of stream, or {@link #WOULD_BLOCK}
     * @throws IOException on any other error, e.g. {@code ECONNRESET}
     */
    public static long recv(int fd, long address, long length, int flags) throws IOException {
        long n = LibC.LIB.recv(fd, address, length, flags);
        return n >= 0 ? n : failedSocketIo("recv", fd);
    }

    /**
     * Sends on a socket with {@code MSG_NOSIGNAL} where the OS has it, so that a reset peer gives
     * {@code EPIPE} rather than killing the process with {@code SIGPIPE} (macOS: {@code SO_NOSIGPIPE},
     * set by {@link #socket}).
     *
     * @param fd      a socket
     * @param address the bytes
     * @param length  how many
     * @param flags   extra {@code MSG_*} flags, e.g. {@code MSG_OOB}
     * @return the bytes sent, or {@link #WOULD_BLOCK}
     * @throws IOException on any other error, e.g. {@code EPIPE}, {@code ECONNRESET}
     */
    public static long send(int fd, long address, long length, int flags) throws IOException {
        long n = LibC.LIB.send(fd, address, length, flags | SC.msgNoSignal);
        return n >= 0 ? n : failedSocketIo("send", fd);
    }

    /**
     * @param fd     a socket
     * @param msghdr address of a {@code struct msghdr} (see {@link MsghdrDescriptor})
     * @param flags  {@code MSG_*} flags
     * @return the bytes received, or {@link #WOULD_BLOCK}
     * @throws IOException on any other error
     */
    public static long recvMsg(int fd, long msghdr, int flags) throws IOException {
        long n = LibC.LIB.recvmsg(fd, msghdr, flags);
        return n >= 0 ? n : failedSocketIo("recvmsg", fd);
    }

    /**
     * Sends what a {@code msghdr} describes (a gathering write), with {@code MSG_NOSIGNAL} where the
     * OS has it.
     *
     * @param fd     a socket
     * @param msghdr address of a {@code struct msghdr} (see {@link MsghdrDescriptor})
     * @param flags  extra {@code MSG_*} flags
     * @return the bytes sent, or {@link #WOULD_BLOCK}
     * @throws IOException on any other error, e.g. {@code EPIPE}
     */
    public static long sendMsg(int fd, long msghdr, int flags) throws IOException {
        long n = LibC.LIB.sendmsg(fd, msghdr, flags | SC.msgNoSignal);
        return n >= 0 ? n : failedSocketIo("sendmsg", fd);
    }

    /**
     * Scattering read.
     *
     * @param fd     a descriptor
     * @param iov    address of an {@code iovec} array
     * @param iovcnt its length
     * @return the bytes read, 0 at end of stream, or {@link #WOULD_BLOCK}
     * @throws SyscallException on any other error
     */
    public static long readv(int fd, long iov, int iovcnt) throws SyscallException {
        long n = LibC.LIB.readv(fd, iov, iovcnt);
        return n >= 0 ? n : failedIo("readv", fd);
    }

    /**
     * Gathering write, for pipes; sockets use {@link #sendMsg}, which can carry {@code MSG_NOSIGNAL}.
     *
     * @param fd     a descriptor
     * @param iov    address of an {@code iovec} array
     * @param iovcnt its length
     * @return the bytes written, or {@link #WOULD_BLOCK}
     * @throws SyscallException on any other error
     */
    public static long writev(int fd, long iov, int iovcnt) throws SyscallException {
        long n = LibC.LIB.writev(fd, iov, iovcnt);
        return n >= 0 ? n : failedIo("writev", fd);
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
     * The one place where the errno of a failed socket call becomes an exception: the JDK type Java
     * code catches ({@code ConnectException}, {@code BindException}, {@code SocketException}, ...),
     * chosen by {@link SyscallErrors#socketError} from the errno's name, carrying the call and errno.
     *
     * @param syscall the socket call, e.g. {@code connect}, or {@code SO_ERROR} for a pending error
     * @param errno   the error number
     * @param context what the caller was doing, or null
     * @return the exception, to throw
     */
    public static IOException socketException(String syscall, int errno, String context) {
        String description = describe(errno);
        return SyscallErrors.socketError(syscall, errno, Errno.current().name(errno),
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
