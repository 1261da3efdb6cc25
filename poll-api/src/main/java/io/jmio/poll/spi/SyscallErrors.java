package io.jmio.poll.spi;

import io.jmio.poll.SyscallBindException;
import io.jmio.poll.SyscallConnectException;
import io.jmio.poll.SyscallNoRouteToHostException;
import io.jmio.poll.SyscallPortUnreachableException;
import io.jmio.poll.SyscallSocketException;

import java.io.IOException;

/**
 * The one place that decides which Java exception a failed socket call becomes, from the portable
 * errno name (each {@link SocketSystem} maps its numbers to names in its own one place, then calls
 * here), as the JDK's own socket channels choose:
 *
 * <table>
 * <caption>errno name to exception</caption>
 * <tr><th>errno name</th><th>call</th><th>exception</th></tr>
 * <tr><td>{@code ECONNREFUSED}, {@code ETIMEDOUT}</td><td>{@code connect}, {@code SO_ERROR}</td>
 *     <td>{@link SyscallConnectException}</td></tr>
 * <tr><td>{@code ECONNREFUSED}</td><td>any other (a connected UDP socket's receive or send)</td>
 *     <td>{@link SyscallPortUnreachableException}</td></tr>
 * <tr><td>{@code EADDRINUSE}, {@code EADDRNOTAVAIL}</td><td>any</td><td>{@link SyscallBindException}</td></tr>
 * <tr><td>{@code EACCES}</td><td>{@code bind}</td><td>{@link SyscallBindException}</td></tr>
 * <tr><td>{@code EHOSTUNREACH}, {@code ENETUNREACH}</td><td>any</td>
 *     <td>{@link SyscallNoRouteToHostException}</td></tr>
 * <tr><td>anything else</td><td>any</td><td>{@link SyscallSocketException}</td></tr>
 * </table>
 *
 * <p>Every one of them implements {@link io.jmio.poll.SyscallFailure}: the call, errno and name stay
 * available.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class SyscallErrors {
    private SyscallErrors() {
    }

    /**
     * @param syscall   the socket call, e.g. {@code connect}, {@code recv}, {@code SO_ERROR} for a pending
     *                  error read back with {@code getsockopt}
     * @param errno     the raw error number of the running OS
     * @param errnoName its portable name, e.g. {@code ECONNREFUSED}
     * @param message   the errno's description and any context
     * @return the exception to throw
     */
    public static IOException socketError(String syscall, int errno, String errnoName, String message) {
        switch (errnoName) {
            case "ECONNREFUSED":
                return connecting(syscall)
                        ? new SyscallConnectException(syscall, errno, errnoName, message)
                        : new SyscallPortUnreachableException(syscall, errno, errnoName, message);
            case "ETIMEDOUT":
                return connecting(syscall)
                        ? new SyscallConnectException(syscall, errno, errnoName, message)
                        : new SyscallSocketException(syscall, errno, errnoName, message);
            case "EADDRINUSE":
            case "EADDRNOTAVAIL":
                return new SyscallBindException(syscall, errno, errnoName, message);
            case "EACCES":
                return syscall.startsWith("bind")
                        ? new SyscallBindException(syscall, errno, errnoName, message)
                        : new SyscallSocketException(syscall, errno, errnoName, message);
            case "EHOSTUNREACH":
            case "ENETUNREACH":
                return new SyscallNoRouteToHostException(syscall, errno, errnoName, message);
            default:
                return new SyscallSocketException(syscall, errno, errnoName, message);
        }
    }

    /** A connect, or the pending error ({@code SO_ERROR}) by which a non-blocking connect reports. */
    private static boolean connecting(String syscall) {
        return syscall.startsWith("connect") || syscall.startsWith("ConnectEx") || syscall.equals("SO_ERROR");
    }
}
