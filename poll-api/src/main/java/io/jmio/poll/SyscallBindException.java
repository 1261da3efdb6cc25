package io.jmio.poll;

/**
 * An address could not be bound ({@code EADDRINUSE}, {@code EADDRNOTAVAIL}, {@code EACCES} from {@code bind}): a {@link java.net.BindException}.
 * Keeps the failed call's name and errno ({@link SyscallFailure}).
 *
 * <p>Threading: immutable once thrown.
 */
public class SyscallBindException extends java.net.BindException implements SyscallFailure {
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
    public SyscallBindException(String syscall, int errno, String errnoName, String message) {
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
