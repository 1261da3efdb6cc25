package io.jmio.poll;

/**
 * No route to the peer ({@code EHOSTUNREACH}, {@code ENETUNREACH}): a {@link java.net.NoRouteToHostException}.
 * Keeps the failed call's name and errno ({@link SyscallFailure}).
 *
 * <p>Threading: immutable once thrown.
 */
public class SyscallNoRouteToHostException extends java.net.NoRouteToHostException implements SyscallFailure {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;
    private final String errnoName;

    /**
     * @param syscall   the call, e.g. {@code connect}
     * @param errno     the raw error number
     * @param errnoName the portable symbolic name, e.g. {@code ECONNREFUSED}
     * @param message   what it means here: the errno's description and any context
     */
    public SyscallNoRouteToHostException(String syscall, int errno, String errnoName, String message) {
        super(SyscallFailure.format(syscall, errnoName, message));
        this.syscall = syscall;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    @Override
    public String syscall() {
        return syscall;
    }

    @Override
    public int errno() {
        return errno;
    }

    @Override
    public String errnoName() {
        return errnoName;
    }
}
