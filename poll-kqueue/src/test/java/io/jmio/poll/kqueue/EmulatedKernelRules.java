package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Errno;

/**
 * Where the kqueue kernels disagree, which way {@link EmulatedKqueueSystem} goes for one
 * {@link KqueueAbi}: one rule per field, each read from the kernel source named beside it (XNU
 * {@code xnu-11417} for macOS 15, FreeBSD {@code main}), so that a test passes over the emulation only
 * if jmio copes with the kernel it stands for. {@code KQUEUE_EMULATION.md} lists the rules too.
 *
 * <p>DragonFly is emulated like FreeBSD and OpenBSD/NetBSD have no {@code EVFILT_USER} waker here; none
 * of their sources was read for these rules.
 *
 * <p>Threading: immutable.
 */
final class EmulatedKernelRules {
    /** {@code INT32_MAX}: the largest {@code tv_sec} XNU accepts, and FreeBSD's limit of a finite wait. */
    static final long INT32_MAX = Integer.MAX_VALUE;
    /** A timeout meaning "wait forever", as {@link #waitNanos} returns it. */
    static final long FOREVER = Long.MAX_VALUE;

    /**
     * {@code NOTE_TRIGGER} on the change that creates an {@code EVFILT_USER} knote fires it.
     * XNU: yes, {@code filt_userattach} (bsd/kern/kern_event.c) tests {@code kn_sfflags}, the fflags as
     * given. FreeBSD: no, {@code kqueue_register} (sys/kern/kern_event.c) keeps the given fflags in
     * {@code kn_sfflags} and zeroes {@code kev->fflags} before the knote is built, and
     * {@code filt_userattach} tests the zeroed {@code kn_fflags}; the trigger is lost.
     */
    final boolean triggerOnAdd;
    /**
     * A change without {@code EV_ADD} naming a closed descriptor. XNU: {@code ENOENT}, because
     * {@code kevent_register} (bsd/kern/kern_event.c) looks the knote up without looking the descriptor
     * up ({@code fp_lookup} runs on the attach path only). FreeBSD: {@code EBADF}, because
     * {@code kqueue_register} calls {@code fget} first for every descriptor filter.
     */
    final int closedFdErrnoWithoutAdd;
    /**
     * A {@code tv_sec} above {@code INT32_MAX}. XNU: {@code EINVAL} ({@code timespec_is_valid},
     * bsd/kern/kern_time.c, called by {@code kevent_legacy_get_deadline}; macOS 10.14 and older refused
     * already above 100,000,000 s through {@code itimerfix}). FreeBSD: a wait without end
     * ({@code kqueue_scan}, sys/kern/kern_event.c: a finite deadline only for {@code tv_sec <= INT32_MAX}).
     */
    final boolean hugeSecondsInvalid;
    /**
     * An invalid timeout fails the call before any change is applied. XNU: yes, {@code kevent} reads
     * the deadline ({@code kevent_legacy_get_deadline}) before {@code kevent_internal} touches the
     * change list. FreeBSD: no, {@code kqueue_kevent} applies the changes and {@code kqueue_scan} checks
     * the timeout afterwards, and only when there is room for events ({@code maxevents > 0}).
     */
    final boolean timeoutCheckedFirst;

    /**
     * {@code EV_ADD} of {@code EVFILT_WRITE} on a pipe whose read end is closed. FreeBSD:
     * {@code EPIPE}, and no knote is kept ({@code pipe_kqfilter}, sys/kern/sys_pipe.c, and
     * {@code kqueue_register}). XNU: the filter attaches and reports {@code EV_EOF}
     * ({@code pipe_kqfilter}, bsd/kern/sys_pipe.c, which says so in a comment).
     */
    final boolean widowedPipeWriteRefused;

    /**
     * The {@code flags} of a receipt ({@code EV_RECEIPT}, or a failed change). XNU: the change's own
     * flags with {@code EV_ERROR} added ({@code kevent_register} then {@code kevent_internal},
     * bsd/kern/kern_event.c). FreeBSD: {@code EV_ERROR} alone ({@code kqueue_kevent} sets
     * {@code kevp->flags = EV_ERROR}).
     */
    final boolean receiptKeepsFlags;

    private EmulatedKernelRules(boolean xnu) {
        this.triggerOnAdd = xnu;
        this.closedFdErrnoWithoutAdd = xnu ? Errno.ENOENT : Errno.EBADF;
        this.hugeSecondsInvalid = xnu;
        this.timeoutCheckedFirst = xnu;
        this.widowedPipeWriteRefused = !xnu;
        this.receiptKeepsFlags = xnu;
    }

    /** @return the rules of the kernel that speaks {@code abi} */
    static EmulatedKernelRules of(KqueueAbi abi) {
        return new EmulatedKernelRules(abi == KqueueAbi.DARWIN);
    }

    /**
     * The wait a {@code struct timespec} asks for. Both kernels refuse a negative {@code tv_sec} or a
     * {@code tv_nsec} outside {@code [0, 1e9)} with {@code EINVAL} (XNU {@code timespec_is_valid};
     * FreeBSD {@code timespecvalid_interval} in {@code kqueue_scan}).
     *
     * @return nanoseconds, {@link #FOREVER}, or {@code -EINVAL}
     */
    long waitNanos(long seconds, long nanos) {
        if (seconds < 0 || nanos < 0 || nanos >= 1_000_000_000L) {
            return -Errno.EINVAL;
        }
        if (seconds > INT32_MAX) {
            return hugeSecondsInvalid ? -Errno.EINVAL : FOREVER;
        }
        return seconds * 1_000_000_000L + nanos;
    }
}
