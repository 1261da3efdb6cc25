package io.jmio.poll.posix;

import io.jmio.poll.SyscallException;
import io.jmio.poll.SyscallFailure;

import java.io.IOException;

/**
 * Taking ownership of a socket descriptor jmio did not open (inherited from systemd or a parent
 * process, reached in a JDK channel, passed by native code): its kind is checked, then it is made
 * non-blocking and close-on-exec, as jmio's own sockets are from birth.
 *
 * <p>The checks, all with the kernel's answers rather than the caller's word: the address family
 * (from {@code getsockname}: IPv4/IPv6 or Unix-domain), the type ({@code SO_TYPE}: stream or
 * datagram) and, for streams, whether it listens ({@code SO_ACCEPTCONN}), so that a datagram socket
 * is not taken for a stream nor a connected stream for a listener. A descriptor that fails a check is
 * left open and remains the caller's.
 *
 * <p>Threading: stateless.
 */
public final class Adoption {
    private static final SocketConstants SC = SocketConstants.current();
    private static final SockaddrLayout LAYOUT = SockaddrLayout.current();
    /** {@code F_DUPFD_CLOEXEC}: Linux 1030, macOS 67, FreeBSD and DragonFly 17, NetBSD 12, OpenBSD 10 ({@code fcntl.h}). */
    static final int F_DUPFD_CLOEXEC = switch (Platform.current()) {
        case LINUX -> 1030;
        case DARWIN -> 67;
        case NETBSD -> 12;
        case OPENBSD -> 10;
        default -> 17;
    };

    /** The socket families jmio's types take. */
    public enum Family {
        /** {@code AF_INET} or {@code AF_INET6}. */
        INET,
        /** {@code AF_UNIX}. */
        UNIX
    }

    private Adoption() {
    }

    /**
     * Checks that {@code fd} is a socket of the given kind, then makes it non-blocking and close-on-exec.
     *
     * @param fd        the descriptor
     * @param family    the family it must have
     * @param type      {@link SocketConstants#SOCK_STREAM} or {@link SocketConstants#SOCK_DGRAM}
     * @param listening for streams: whether it must be listening (true) or must not (false)
     * @param what      the jmio type, for messages
     * @return for {@link Family#INET}, whether it is IPv6; false otherwise
     * @throws IllegalArgumentException if it is a socket of another kind, or not a socket ({@code ENOTSOCK})
     * @throws IOException              if the kernel cannot answer (e.g. {@code EBADF}: not open)
     */
    public static boolean adopt(int fd, Family family, int type, boolean listening, String what)
            throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd + " is not a descriptor");
        }
        int actualType;
        try {
            actualType = Posix.getIntOption(fd, SC.solSocket, SC.soType);
        } catch (IOException e) {
            if (e instanceof SyscallFailure f && "ENOTSOCK".equals(f.errnoName())) {
                throw new IllegalArgumentException("fd " + fd + " is not a socket: cannot adopt it as a " + what, e);
            }
            throw e;
        }
        int actualFamily = family(fd);
        boolean v6 = actualFamily == SC.afInet6;
        boolean familyOk = family == Family.UNIX ? actualFamily == SocketConstants.AF_UNIX
                : actualFamily == SocketConstants.AF_INET || v6;
        if (!familyOk) {
            throw new IllegalArgumentException("fd " + fd + " is a socket of family " + familyName(actualFamily)
                    + ", not " + (family == Family.UNIX ? "AF_UNIX" : "AF_INET/AF_INET6") + ": cannot adopt it as a " + what);
        }
        if (actualType != type) {
            throw new IllegalArgumentException("fd " + fd + " is a " + typeName(actualType) + " socket, not "
                    + typeName(type) + ": cannot adopt it as a " + what);
        }
        if (type == SocketConstants.SOCK_STREAM) {
            boolean listens = Posix.getIntOption(fd, SC.solSocket, SC.soAcceptConn) != 0;
            if (listens != listening) {
                throw new IllegalArgumentException("fd " + fd + (listens ? " is a listening socket" : " is not listening")
                        + ": cannot adopt it as a " + what + (listens ? " (use the listener type)" : " (listen first)"));
            }
        }
        Posix.setNonBlocking(fd);
        Posix.setCloseOnExec(fd);
        if (SC.soNoSigPipe != SocketConstants.NONE) {
            Posix.setIntOption(fd, SC.solSocket, SC.soNoSigPipe, 1); // as Posix.socket does on macOS
        }
        return family == Family.INET && v6;
    }

    /**
     * Duplicates a descriptor, close-on-exec (the copy refers to the same kernel socket).
     *
     * @param fd a descriptor
     * @return the copy
     * @throws SyscallException from {@code fcntl(F_DUPFD_CLOEXEC)}
     */
    public static int duplicate(int fd) throws SyscallException {
        int copy = LibC.LIB.fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0) {
            throw Posix.exception("fcntl(F_DUPFD_CLOEXEC)", Posix.lastErrno(), "fd " + fd);
        }
        return copy;
    }

    /**
     * Takes the socket out of a JDK channel: its descriptor (reached as {@link io.jmio.poll.net.ChannelSource}
     * reaches it) is duplicated, the copy checked and adopted as {@link #adopt} does, and the channel
     * closed; the copy is the same kernel socket, now owned by the caller of this method alone. If a
     * check fails, the copy is closed and the channel left open.
     *
     * @param channel   an open JDK channel
     * @param family    the family it must have
     * @param type      the socket type it must have
     * @param listening for streams: whether it must listen
     * @param what      the jmio type, for messages
     * @return the adopted descriptor
     * @throws IOException                   from the calls, or from closing the channel
     * @throws UnsupportedOperationException if the descriptor cannot be reached (see {@link io.jmio.poll.net.ChannelSource})
     */
    public static int fromChannel(java.nio.channels.SelectableChannel channel, Family family, int type,
            boolean listening, String what) throws IOException {
        int fd = io.jmio.poll.net.ChannelSource.of(channel).fd();  // checks it is open; makes it non-blocking
        int copy = duplicate(fd);
        try {
            adopt(copy, family, type, listening, what);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(copy, e);
            throw e;
        }
        try {
            channel.close();        // non-blocking and idle: the JDK just closes its descriptor, not the socket
        } catch (IOException e) {
            Posix.closeQuietly(copy, e);
            throw e;
        }
        return copy;
    }

    /**
     * @param fd a socket
     * @return whether it is an {@code AF_INET6} socket (whatever address it is bound to)
     * @throws IOException from {@code getsockname}
     */
    public static boolean isInet6(int fd) throws IOException {
        return family(fd) == SC.afInet6;
    }

    private static int family(int fd) throws IOException {
        Posix.socketAddress(fd, false);
        return LAYOUT.family(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    private static String typeName(int type) {
        return type == SocketConstants.SOCK_STREAM ? "SOCK_STREAM" : type == SocketConstants.SOCK_DGRAM ? "SOCK_DGRAM"
                : "type " + type;
    }

    private static String familyName(int family) {
        return family == SocketConstants.AF_UNIX ? "AF_UNIX" : family == SocketConstants.AF_INET ? "AF_INET"
                : family == SC.afInet6 ? "AF_INET6" : String.valueOf(family);
    }
}
