package io.jmio.poll.kqueue;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.Posix;

/**
 * The one place this backend turns an errno into an exception, with what it means for a kqueue and a
 * registration. The exception itself is built by {@link Posix#exception}, jmio's single errno mapper.
 *
 * <p>Threading: stateless.
 */
final class KqueueErrors {
    private KqueueErrors() {
    }

    /**
     * @param syscall the call, e.g. {@code kqueue}
     * @param errno   the error number
     * @param context what was being done, or null
     * @return the exception to throw
     */
    static SyscallException fail(String syscall, int errno, String context) {
        return Posix.exception(syscall, errno, context);
    }

    /**
     * A failed change of a registration: a {@code kevent} receipt with a non-zero {@code data}, or a
     * rule of the {@link io.jmio.poll.Registry} contract that the selector checks itself
     * ({@code EEXIST}, {@code ENOENT}), reported the way epoll reports them.
     *
     * @param action   {@code EV_ADD}, {@code EV_DELETE}, ...
     * @param abi      the system's constants, to name the filter
     * @param filter   the filter of the change, or {@link KqueueAbi#NONE}
     * @param errno    the error number
     * @param fd       the descriptor
     * @return the exception to throw
     */
    /**
     * {@code Registry.deregister} of a descriptor the kernel holds no filter for: {@code ENOENT} on every
     * system, as {@link io.jmio.poll.Registry#deregister} documents, though FreeBSD answers
     * {@code EBADF} for a closed descriptor (XNU {@code ENOENT}); the kernel's answer is in the message.
     *
     * @param kernelErrno what the kernel answered
     * @param fd          the descriptor
     * @return the exception to throw
     */
    static SyscallException notRegistered(int kernelErrno, long fd) {
        String why = kernelErrno == Errno.ENOENT ? "" : " (it is closed: kevent answered " + Errno.current().name(kernelErrno) + ")";
        return Posix.exception("kevent(EV_DELETE)", Errno.ENOENT, "fd " + fd + " is not registered with this Poll" + why);
    }

    static SyscallException change(String action, KqueueAbi abi, int filter, int errno, long fd) {
        String syscall = filter == KqueueAbi.NONE ? "kevent(" + action + ")"
                : "kevent(" + action + ", " + abi.filterName(filter) + ")";
        String context;
        if (errno == Errno.EEXIST) {
            context = "fd " + fd + " is already registered with this Poll";
        } else if (errno == Errno.ENOENT) {
            context = "fd " + fd + " is not registered with this Poll";
        } else if (errno == Errno.EBADF) {
            context = "fd " + fd + " is closed or not a valid descriptor";
        } else if (errno == Errno.EPIPE) {
            context = "fd " + fd + " is a pipe whose read end is closed, and the kernel keeps no "
                    + abi.filterName(filter) + " for it, so nothing could be reported";
        } else if (errno == Errno.EINVAL) {
            context = "fd " + fd + " cannot be watched with " + abi.filterName(filter);
        } else {
            context = "fd " + fd;
        }
        return Posix.exception(syscall, errno, context);
    }
}
