package io.jmio.poll.iocp.winsock;

import io.jmio.poll.spi.SyscallErrors;

import java.io.IOException;

/**
 * The one place a Winsock error ({@code WSAGetLastError}) becomes an exception. The exception's
 * {@link io.jmio.poll.SyscallFailure#errno()} is the Winsock code; its {@link io.jmio.poll.SyscallFailure#errnoName()} is
 * the portable POSIX name where Winsock has an equivalent ({@code WSAECONNREFUSED} is
 * {@code ECONNREFUSED}), so that code written against jmio's Unix errors works unchanged; the message
 * gives the Winsock name and number, e.g. {@code connect: ECONNREFUSED (WSAECONNREFUSED 10061: ...)}.
 *
 * <p>Two mappings are not name for name: {@code WSAENOTSOCK} is {@code EBADF} (a closed or foreign
 * handle, as {@code io.jmio.poll.iocp.WindowsErrors} reports it), and {@code WSAESHUTDOWN} (a send
 * after {@code shutdown(SD_SEND)}) is {@code EPIPE}, as Unix reports that case.
 *
 * <p>Threading: stateless.
 */
public final class WinsockErrors {
    /** {@code WSAEWOULDBLOCK}: a non-blocking call found nothing to do. */
    public static final int WSAEWOULDBLOCK = 10035;
    /** {@code WSAEMSGSIZE}: a datagram did not fit (the buffer holds its first bytes). */
    public static final int WSAEMSGSIZE = 10040;
    /** {@code WSAECONNRESET}: reset by the peer (on UDP: an ICMP port-unreachable). */
    public static final int WSAECONNRESET = 10054;
    /** {@code WSAESHUTDOWN}: the direction was shut down. */
    public static final int WSAESHUTDOWN = 10058;
    /** {@code WSAEINPROGRESS}: a blocking call is under way. */
    public static final int WSAEINPROGRESS = 10036;
    /** {@code WSAECONNABORTED}: the connection was aborted locally. */
    public static final int WSAECONNABORTED = 10053;
    /** {@code WSAEINTR}: a blocking call was cancelled. */
    public static final int WSAEINTR = 10004;

    /** {@code {Winsock code, Winsock name, portable name (null if none), description}}. */
    private static final Object[][] TABLE = {
        {10004, "WSAEINTR", "EINTR", "interrupted function call"},
        {10009, "WSAEBADF", "EBADF", "bad file handle"},
        {10013, "WSAEACCES", "EACCES", "permission denied"},
        {10014, "WSAEFAULT", "EFAULT", "bad address"},
        {10022, "WSAEINVAL", "EINVAL", "invalid argument"},
        {10024, "WSAEMFILE", "EMFILE", "too many open sockets"},
        {10035, "WSAEWOULDBLOCK", "EAGAIN", "resource temporarily unavailable"},
        {10036, "WSAEINPROGRESS", "EINPROGRESS", "operation now in progress"},
        {10037, "WSAEALREADY", "EALREADY", "operation already in progress"},
        {10038, "WSAENOTSOCK", "EBADF", "not a socket (closed, or never one)"},
        {10039, "WSAEDESTADDRREQ", "EDESTADDRREQ", "destination address required"},
        {10040, "WSAEMSGSIZE", "EMSGSIZE", "message too long"},
        {10041, "WSAEPROTOTYPE", "EPROTOTYPE", "protocol wrong type for socket"},
        {10042, "WSAENOPROTOOPT", "ENOPROTOOPT", "bad protocol option"},
        {10043, "WSAEPROTONOSUPPORT", "EPROTONOSUPPORT", "protocol not supported"},
        {10045, "WSAEOPNOTSUPP", "EOPNOTSUPP", "operation not supported"},
        {10047, "WSAEAFNOSUPPORT", "EAFNOSUPPORT", "address family not supported"},
        {10048, "WSAEADDRINUSE", "EADDRINUSE", "address already in use"},
        {10049, "WSAEADDRNOTAVAIL", "EADDRNOTAVAIL", "cannot assign requested address"},
        {10050, "WSAENETDOWN", "ENETDOWN", "network is down"},
        {10051, "WSAENETUNREACH", "ENETUNREACH", "network is unreachable"},
        {10052, "WSAENETRESET", "ENETRESET", "network dropped connection on reset"},
        {10053, "WSAECONNABORTED", "ECONNABORTED", "software caused connection abort"},
        {10054, "WSAECONNRESET", "ECONNRESET", "connection reset by peer"},
        {10055, "WSAENOBUFS", "ENOBUFS", "no buffer space available"},
        {10056, "WSAEISCONN", "EISCONN", "socket is already connected"},
        {10057, "WSAENOTCONN", "ENOTCONN", "socket is not connected"},
        {10058, "WSAESHUTDOWN", "EPIPE", "cannot send after socket shutdown"},
        {10060, "WSAETIMEDOUT", "ETIMEDOUT", "connection timed out"},
        {10061, "WSAECONNREFUSED", "ECONNREFUSED", "connection refused"},
        {10065, "WSAEHOSTUNREACH", "EHOSTUNREACH", "no route to host"},
        {10067, "WSAEPROCLIM", null, "too many processes use Winsock"},
        {10091, "WSASYSNOTREADY", null, "network subsystem is unavailable"},
        {10092, "WSAVERNOTSUPPORTED", null, "Winsock version 2.2 is not supported"},
        {10093, "WSANOTINITIALISED", null, "WSAStartup has not been called"},
    };

    private WinsockErrors() {
    }

    private static Object[] row(int code) {
        for (Object[] r : TABLE) {
            if ((Integer) r[0] == code) {
                return r;
            }
        }
        return null;
    }

    /**
     * @param code a Winsock error
     * @return its symbolic name, e.g. {@code WSAECONNREFUSED}, or {@code WSA error N}
     */
    public static String wsaName(int code) {
        Object[] r = row(code);
        return r == null ? "WSA error " + code : (String) r[1];
    }

    /**
     * @param code a Winsock error
     * @return the POSIX name jmio reports for it, e.g. {@code ECONNREFUSED}; its Winsock name if it has
     *         no POSIX equivalent
     */
    public static String portableName(int code) {
        Object[] r = row(code);
        return r == null ? "WSA error " + code : r[2] != null ? (String) r[2] : (String) r[1];
    }

    /**
     * @param wsaName a Winsock name, e.g. {@code WSAECONNREFUSED}
     * @return its code, or -1 if the table does not have it (used by the Linux emulation of Winsock)
     */
    public static int code(String wsaName) {
        for (Object[] r : TABLE) {
            if (r[1].equals(wsaName)) {
                return (Integer) r[0];
            }
        }
        return -1;
    }

    /**
     * @param call    the Winsock call, e.g. {@code connect}
     * @param code    {@code WSAGetLastError()}
     * @param context what was being done, or null
     * @return the exception, to throw: of the JDK type {@link SyscallErrors#socketError} chooses for the
     *         portable name, carrying the call and the Winsock code
     */
    public static IOException exception(String call, int code, String context) {
        Object[] r = row(code);
        String detail = r == null ? "WSA error " + code : r[1] + " " + code + ": " + r[3];
        return SyscallErrors.socketError(call, code, portableName(code), detail + (context == null ? "" : ": " + context));
    }

    /**
     * As {@link #exception}, for a datagram receive: Winsock reports an ICMP port-unreachable for an
     * earlier datagram as {@code WSAECONNRESET}, where Unix says {@code ECONNREFUSED}; that is the
     * name given here.
     *
     * @param call    the call
     * @param code    {@code WSAGetLastError()}
     * @param context what was being done, or null
     * @return the exception, to throw
     */
    public static IOException datagramException(String call, int code, String context) {
        if (code == WSAECONNRESET) {
            return SyscallErrors.socketError(call, code, "ECONNREFUSED", "WSAECONNRESET " + code
                    + ": an earlier datagram met a closed port (ICMP port unreachable)"
                    + (context == null ? "" : ": " + context));
        }
        return exception(call, code, context);
    }
}
