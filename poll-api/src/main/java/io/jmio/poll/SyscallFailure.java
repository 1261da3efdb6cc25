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
    /** @return the system call that failed and, in parentheses, its operation, e.g. {@code epoll_ctl(ADD)} */
    String syscall();

    /** @return the OS error number, as the running OS numbers it (Linux and BSD numbers differ) */
    int errno();

    /** @return the portable symbolic error name, e.g. {@code ECONNREFUSED}, the same on every OS */
    String errnoName();

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
