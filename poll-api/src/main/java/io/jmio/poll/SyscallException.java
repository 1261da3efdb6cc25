package io.jmio.poll;

import java.io.IOException;

/**
 * A system call failed (the general case: {@code epoll_ctl}, {@code kevent}, {@code pipe}, ...):
 * carries the call's name, the operating system's error number and its symbolic name, so that a
 * failure reads {@code epoll_ctl(ADD): EEXIST (File exists): fd 7 is already registered}.
 *
 * <p>Each backend builds these in one place (its {@code Errors} class) from the errno the call left.
 * {@link #errno()} is the raw number of the running OS (Linux and BSD numbers differ beyond the
 * classic ones); {@link #errnoName()} is the portable symbolic name to test against.
 *
 * <p>Failures of socket calls are instead the JDK's socket exceptions, subclassed to carry the same
 * information ({@link SyscallConnectException}, {@link SyscallBindException},
 * {@link SyscallNoRouteToHostException}, {@link SyscallPortUnreachableException},
 * {@link SyscallSocketException}); all of them, and this class, implement {@link SyscallFailure}.
 *
 * <p>Threading: immutable once thrown.
 */
public class SyscallException extends IOException implements SyscallFailure {
    private static final long serialVersionUID = 1L;

    /** The call, errno and errno name. */
    private final Details details;

    /**
     * @param syscall   the call and, in parentheses, its operation, e.g. {@code epoll_ctl(ADD)}
     * @param errno     the raw error number
     * @param errnoName the symbolic name, e.g. {@code EEXIST}
     * @param message   what it means here: the errno's description and any context
     */
    public SyscallException(String syscall, int errno, String errnoName, String message) {
        super(SyscallFailure.format(syscall, errnoName, message));
        this.details = new Details(syscall, errno, errnoName);
    }

    @Override
    public Details details() {
        return details;
    }
}
