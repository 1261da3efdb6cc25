package io.jmio.poll;

/**
 * Any other failure of a socket call ({@code ECONNRESET}, {@code EPIPE}, {@code ENOTCONN}, {@code ECONNABORTED}, {@code ENOBUFS}, {@code EMSGSIZE}, ...): a {@link java.net.SocketException}.
 * Keeps the failed call's name and errno ({@link SyscallFailure}).
 *
 * <p>Threading: immutable once thrown.
 */
public class SyscallSocketException extends java.net.SocketException implements SyscallFailure {
    private static final long serialVersionUID = 1L;

    /** The call, errno and errno name. */
    private final Details details;

    /**
     * @param syscall   the call, e.g. {@code connect}
     * @param errno     the raw error number
     * @param errnoName the portable symbolic name, e.g. {@code ECONNREFUSED}
     * @param message   what it means here: the errno's description and any context
     */
    public SyscallSocketException(String syscall, int errno, String errnoName, String message) {
        super(SyscallFailure.format(syscall, errnoName, message));
        this.details = new Details(syscall, errno, errnoName);
    }

    @Override
    public Details details() {
        return details;
    }
}
