package io.jmio.poll;

/**
 * What every jmio exception that comes from a failed system call carries: the call, the operating
 * system's error number and its portable symbolic name.
 *
 * <p>jmio throws the JDK's own types where Java code already catches them ({@code ConnectException},
 * {@code BindException}, {@code SocketException}, ...), subclassed to implement this interface, and
 * {@link SyscallException} elsewhere. To read the errno whatever the type:
 *
 * <pre>{@code
 * try {
 *     stream.write(buffer);
 * } catch (IOException e) {
 *     if (e instanceof SyscallFailure f && "EPIPE".equals(f.errnoName())) { ... }
 * }
 * }</pre>
 *
 * <p>Threading: implementations are immutable once thrown.
 */
public interface SyscallFailure {
    /**
     * The three facts of a failed call, held by each exception in one field (Java's exception types have
     * different superclasses, so the fields cannot live in one base class).
     *
     * @param syscall   the call and, in parentheses, its operation, e.g. {@code epoll_ctl(ADD)}
     * @param errno     the OS error number, as the running OS numbers it
     * @param errnoName the portable symbolic name, e.g. {@code ECONNREFUSED}
     */
    record Details(String syscall, int errno, String errnoName) implements java.io.Serializable {
    }

    /** @return the call, errno and errno name, as one value */
    Details details();

    /** @return the system call that failed and, in parentheses, its operation, e.g. {@code epoll_ctl(ADD)} */
    default String syscall() {
        return details().syscall();
    }

    /** @return the OS error number, as the running OS numbers it (Linux and BSD numbers differ) */
    default int errno() {
        return details().errno();
    }

    /** @return the portable symbolic error name, e.g. {@code ECONNREFUSED}, the same on every OS */
    default String errnoName() {
        return details().errnoName();
    }

    /**
     * The message every jmio syscall exception has: {@code syscall: ERRNAME (message)}.
     *
     * @param syscall   the call
     * @param errnoName the symbolic name
     * @param message   what it means here
     * @return the text
     */
    static String format(String syscall, String errnoName, String message) {
        return syscall + ": " + errnoName + " (" + message + ")";
    }
}
