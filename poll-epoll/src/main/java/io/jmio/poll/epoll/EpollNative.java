package io.jmio.poll.epoll;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import jnr.ffi.Pointer;

import java.nio.ByteBuffer;

/**
 * The facade over Linux's epoll and eventfd: the only class that calls {@link EpollLibrary}. Each
 * method is one system call; failures become {@link SyscallException}s in {@link #fail}, the one place
 * this backend maps errno.
 *
 * <p>Threading: thread-safe; {@link #ctl} uses a per-thread scratch {@code epoll_event}, so registry
 * calls from several threads never share one.
 */
final class EpollNative {
    static final int EPOLLIN = 0x001;
    static final int EPOLLPRI = 0x002;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLLET = 1 << 31;

    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;

    /** {@code EPOLL_CLOEXEC} = {@code O_CLOEXEC} = 02000000. */
    static final int EPOLL_CLOEXEC = 0x80000;
    /** {@code EFD_CLOEXEC} = {@code O_CLOEXEC}. */
    static final int EFD_CLOEXEC = 0x80000;
    /** {@code EFD_NONBLOCK} = {@code O_NONBLOCK} = 04000. */
    static final int EFD_NONBLOCK = 0x800;

    /** What {@link #pwait2} returns when the kernel lacks {@code epoll_pwait2}: use {@link #wait} instead. */
    static final int UNSUPPORTED = -1;

    /** False once the C library or the kernel turned out not to have {@code epoll_pwait2}. */
    private static volatile boolean pwait2Usable = EpollLibrary.PWAIT2 != null;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** One {@code epoll_event} of native memory per thread that calls {@link #ctl}. */
    private static final class Scratch {
        final ByteBuffer event = NativeMemory.allocate(EpollEventDescriptor.SIZE);
        final long address = NativeMemory.address(event);
    }

    private EpollNative() {
    }

    static Throwable unavailabilityCause() {
        return EpollLibrary.LOAD_FAILURE != null ? EpollLibrary.LOAD_FAILURE : Posix.unavailabilityCause();
    }

    static int epollCreate() throws SyscallException {
        int fd = EpollLibrary.LIB.epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0) {
            throw fail("epoll_create1", Posix.lastErrno(), -1);
        }
        return fd;
    }

    static int eventfd() throws SyscallException {
        int fd = EpollLibrary.LIB.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw fail("eventfd", Posix.lastErrno(), -1);
        }
        return fd;
    }

    /**
     * {@code epoll_ctl} with an {@code epoll_event} of {@code events} and {@code data}.
     */
    static void ctl(int epfd, int op, int fd, int events, long data) throws SyscallException {
        Scratch scratch = SCRATCH.get();
        scratch.event.putInt(EpollEventDescriptor.EVENTS_OFFSET, events);
        scratch.event.putLong(EpollEventDescriptor.DATA_OFFSET, data);
        if (EpollLibrary.LIB.epoll_ctl(epfd, op, fd, scratch.address) < 0) {
            throw fail(op == EPOLL_CTL_ADD ? "epoll_ctl(ADD)" : op == EPOLL_CTL_MOD ? "epoll_ctl(MOD)" : "epoll_ctl(DEL)",
                    Posix.lastErrno(), fd);
        }
    }

    /**
     * {@code epoll_wait}.
     *
     * @return the number of events, 0 if a signal interrupted the wait
     */
    static int wait(int epfd, long eventsAddress, int maxEvents, int timeoutMillis) throws SyscallException {
        int n = EpollLibrary.LIB.epoll_wait(epfd, eventsAddress, maxEvents, timeoutMillis);
        if (n < 0) {
            int errno = Posix.lastErrno();
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw fail("epoll_wait", errno, epfd);
        }
        return n;
    }

    /** @return true if {@link #pwait2} may be tried (the C library has it; the kernel has not refused it) */
    static boolean pwait2Usable() {
        return pwait2Usable;
    }

    /** For tests: pretend the kernel has, or lacks, {@code epoll_pwait2}. */
    static void setPwait2Usable(boolean usable) {
        pwait2Usable = usable && EpollLibrary.PWAIT2 != null;
    }

    /** @return a {@code struct timespec} of native memory and the jnr-ffi pointer to it, for {@link #pwait2} */
    static Pointer timespecPointer(ByteBuffer timespec) {
        return Pointer.wrap(jnr.ffi.Runtime.getRuntime(EpollLibrary.PWAIT2 != null ? EpollLibrary.PWAIT2 : EpollLibrary.LIB),
                NativeMemory.address(timespec));
    }

    /**
     * {@code epoll_pwait2} with a timeout in nanoseconds (no signal mask), written into
     * {@code timespec} ({@link TimespecDescriptor}), which {@code pointer} points to.
     *
     * @return the number of events, 0 if a signal interrupted the wait, {@link #UNSUPPORTED} if the
     *         kernel has no {@code epoll_pwait2} (then it is not tried again)
     */
    static int pwait2(int epfd, long eventsAddress, int maxEvents, long timeoutNanos, ByteBuffer timespec, Pointer pointer)
            throws SyscallException {
        timespec.putLong(TimespecDescriptor.TV_SEC_OFFSET, timeoutNanos / 1_000_000_000L);
        timespec.putLong(TimespecDescriptor.TV_NSEC_OFFSET, timeoutNanos % 1_000_000_000L);
        int n = EpollLibrary.PWAIT2.epoll_pwait2(epfd, eventsAddress, maxEvents, pointer, null);
        return n >= 0 ? n : pwait2Failed(Posix.lastErrno(), epfd);
    }

    /**
     * What a failed {@code epoll_pwait2} means: {@code ENOSYS} (a kernel before 5.11) stops its use
     * and returns {@link #UNSUPPORTED}; {@code EINTR} is a wait that ended early (0 events).
     *
     * @throws SyscallException for any other errno
     */
    static int pwait2Failed(int errno, int epfd) throws SyscallException {
        if (errno == Errno.ENOSYS) {
            pwait2Usable = false;
            return UNSUPPORTED;
        }
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw fail("epoll_pwait2", errno, epfd);
    }

    /**
     * The one place this backend turns an errno into an exception, with what it means for a
     * registration.
     */
    static SyscallException fail(String syscall, int errno, int fd) {
        String context;
        if (syscall.equals("epoll_ctl(DEL)") && errno == Errno.EBADF) {
            // Registry.deregister reports every descriptor it does not know as ENOENT, as kqueue on macOS does.
            return Posix.exception(syscall, Errno.ENOENT, "fd " + fd
                    + " is not registered with this Poll (it is closed: epoll_ctl answered EBADF)");
        }
        if (syscall.startsWith("epoll_ctl")) {
            if (errno == Errno.EEXIST) {
                context = "fd " + fd + " is already registered with this Poll";
            } else if (errno == Errno.ENOENT) {
                context = "fd " + fd + " is not registered with this Poll";
            } else if (errno == Errno.EBADF) {
                context = "fd " + fd + " is closed or not a valid descriptor";
            } else if (errno == Errno.EPERM) {
                context = "fd " + fd + " does not support epoll (regular files and directories are always ready)";
            } else if (errno == Errno.EINVAL) {
                context = "fd " + fd + " cannot be registered (it is the epoll instance itself, or the flags are invalid)";
            } else {
                context = "fd " + fd;
            }
        } else {
            context = fd >= 0 ? "fd " + fd : null;
        }
        return Posix.exception(syscall, errno, context);
    }
}
