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
     * <p>Threading: immutable.
     */
    final class Details implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** The call and, in parentheses, its operation, e.g. {@code epoll_ctl(ADD)}. */
        private final String syscall;
        /** The OS error number, as the running OS numbers it. */
        private final int errno;
        /** The portable symbolic name, e.g. {@code ECONNREFUSED}. */
        private final String errnoName;

        /**
         * @param syscall   the call and, in parentheses, its operation
         * @param errno     the OS error number
         * @param errnoName the portable symbolic name
         */
        public Details(String syscall, int errno, String errnoName) {
            this.syscall = syscall;
            this.errno = errno;
            this.errnoName = errnoName;
        }

        /** @return the call and, in parentheses, its operation */
        public String syscall() {
            return syscall;
        }

        /** @return the OS error number */
        public int errno() {
            return errno;
        }

        /** @return the portable symbolic name */
        public String errnoName() {
            return errnoName;
        }
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
