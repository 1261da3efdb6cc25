package io.jmio.poll.kqueue;

import io.jmio.poll.Interest;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A kqueue and its waker, as mio's {@code sys::unix::selector::kqueue}.
 *
 * <p><b>Registrations</b> are translated by {@link KeventChanges} and submitted with
 * {@code EV_RECEIPT}: the kernel answers each change in place, and each answer is checked here.
 * One answer is excused: {@code EPIPE} for adding {@code EVFILT_WRITE} to a pipe whose read end is
 * closed. FreeBSD's {@code pipe_kqfilter} (sys/kern/sys_pipe.c) always answers so, and its
 * {@code kqueue_register} then keeps no knote, so the write filter of such a pipe reports nothing on
 * FreeBSD (mio's comment blames old macOS; modern XNU attaches the filter and reports {@code EV_EOF}).
 * The filter is recorded as absent, so nothing later tries to delete it; a registration left with no
 * filter at all is refused with that {@code EPIPE} (see {@link #implRegister}), since nothing could ever
 * be reported for it nor tell that its descriptor was closed.
 * mio also excuses {@code ENOENT} when reregister deletes a filter, because it deletes blindly;
 * this selector knows which filters it added, so an {@code ENOENT} can only mean that the
 * descriptor was closed (which drops its filters) and its number perhaps reused, and it is
 * reported, as epoll reports it.
 *
 * <p>Because kqueue's {@code EV_ADD} never reports {@code EEXIST}, the {@link RegistrationTable}
 * keeps the registry contract: registering a registered descriptor fails with {@code EEXIST},
 * reregistering or deregistering an unknown one with {@code ENOENT}. A descriptor closed while
 * registered leaves a stale entry, which a probe (see {@link KeventChanges#encodeProbe}) detects:
 * registering the reused number then succeeds, reregistering it fails with {@code ENOENT} (the probe
 * rides in the same change list, so it costs no system call), as with epoll.
 *
 * <p><b>Waker.</b> Where the system has {@code EVFILT_USER} (macOS, FreeBSD, DragonFly) the waker is
 * a user event with {@code EV_CLEAR}, triggered by {@code NOTE_TRIGGER}; elsewhere (OpenBSD, NetBSD)
 * it is a pipe whose read end is registered with {@code EV_CLEAR}, woken by writing one byte and
 * drained only when full. Either is created with the selector, with a token ({@code -1}) that means
 * "no waker", so that {@link #implInterrupt()} can wake a blocked {@code kevent} on close even when no
 * {@link io.jmio.poll.Waker} was ever installed.
 *
 * <p><b>Timeouts</b> are passed to {@code kevent} exactly, to the nanosecond, through one
 * {@code struct timespec} allocated with the selector, up to 100,000,000 s: longer ones are clamped
 * there, because macOS refuses larger {@code tv_sec} with {@code EINVAL} (see
 * {@link TimespecDescriptor#MAX_SECONDS}).
 *
 * <p>Threading: registration calls are thread-safe (serialised by a lock around the registration
 * table and its change buffer); {@code select} is called by one thread at a time; wakes from any
 * thread. The life cycle is guarded by {@link Selector}.
 */
final class KqueueSelector extends Selector {
    /** Token of the waker's event until a waker is installed. */
    static final long NO_WAKER = -1L;
    /** The {@code ident} of the waker's {@code EVFILT_USER} event (user idents are not descriptors). */
    static final long USER_IDENT = 0;

    private static final int TRIGGER_SHIFT = 8;
    private static final Trigger[] TRIGGERS = Trigger.values();

    private final KqueueSystem sys;
    private final KqueueAbi abi;
    private final KeventDescriptor layout;
    private final int kq;
    /** The waker pipe {read, write}, or {-1, -1} with {@code EVFILT_USER}. */
    private final int pipeRead;
    private final int pipeWrite;

    /** Guards {@link #table} and {@link #changes}. */
    private final Object lock = new Object();
    private final RegistrationTable table = new RegistrationTable(64);
    /** Changes in slots 0..3, their receipts in slots 4..7. */
    private final ByteBuffer changes;
    private final long changesAddress;
    private final long receiptsAddress;

    /** The waker's trigger change, written when a waker is installed, read by any waking thread. */
    private final ByteBuffer wakeChange;
    private final long wakeChangeAddress;
    /** One byte for the pipe waker; never modified. */
    private final ByteBuffer wakeByte = NativeMemory.allocate(8);
    private final long wakeByteAddress = NativeMemory.address(wakeByte);
    /** Scratch for draining the pipe waker; its content is never read. */
    private final ByteBuffer drain = NativeMemory.allocate(256);
    private final long drainAddress = NativeMemory.address(drain);

    /** The poll timeout, owned by the polling thread. */
    private final ByteBuffer timeout = NativeMemory.allocate(TimespecDescriptor.SIZE);
    private final jnr.ffi.Pointer timeoutPointer =
            jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), NativeMemory.address(timeout));
    /** A zero timeout for calls that must never block; never modified. */
    private final ByteBuffer zeroTimeout = NativeMemory.allocate(TimespecDescriptor.SIZE);
    private final jnr.ffi.Pointer zeroTimeoutPointer =
            jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), NativeMemory.address(zeroTimeout));

    /** Set if {@link #implInterrupt()} failed; reported by {@link #implClose()}. */
    private volatile IOException interruptFailure;

    KqueueSelector(KqueueSystem sys) throws IOException {
        this.sys = sys;
        this.abi = sys.abi();
        this.layout = abi.layout;
        this.changes = NativeMemory.allocate(2 * KeventChanges.MAX_CHANGES * layout.size);
        this.changesAddress = NativeMemory.address(changes);
        this.receiptsAddress = changesAddress + (long) KeventChanges.MAX_CHANGES * layout.size;
        this.wakeChange = NativeMemory.allocate(layout.size);
        this.wakeChangeAddress = NativeMemory.address(wakeChange);
        wakeByte.put(0, (byte) 1);
        int q = sys.kqueue();
        int[] pipe = {-1, -1};
        try {
            if (abi.userWaker) {
                armUserWaker(q, NO_WAKER, false);
            } else {
                pipe = sys.pipe();
                armPipeWaker(q, pipe[0], NO_WAKER);
            }
        } catch (IOException | RuntimeException e) {
            for (int fd : pipe) {
                if (fd >= 0) {
                    closeQuietly(fd, e);
                }
            }
            closeQuietly(q, e);
            throw e;
        }
        this.kq = q;
        this.pipeRead = pipe[0];
        this.pipeWrite = pipe[1];
    }

    private void closeQuietly(int fd, Throwable primary) {
        try {
            sys.close(fd);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String backendName() {
        return KqueueBackend.NAME;
    }

    /** @return the kqueue descriptor, for diagnostics and tests */
    int kqueueFd() {
        return kq;
    }

    /** @return the system ABI this selector uses */
    KqueueAbi abi() {
        return abi;
    }

    // ---------------------------------------------------------------- registrations

    @Override
    protected void implRegister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        int bits = KeventChanges.validate(abi, interests);
        synchronized (lock) {
            int at = table.find(fd);
            if (at >= 0) {
                int n = KeventChanges.encodeProbe(abi, changes, 0, fd, table.token(at), table.state(at));
                submit(fd, n, 0);
                boolean gone = staleErrno != 0;
                clearOutcome();
                if (!gone) {
                    throw KqueueErrors.change("EV_ADD", abi, KqueueAbi.NONE, Errno.EEXIST, fd);
                }
                table.remove(fd); // closed while registered: its filters went with it
            }
            int n = KeventChanges.encode(abi, changes, 0, fd, token, 0, trigger, bits, trigger);
            int present = submit(fd, n, 0);
            SyscallException e = failure != null ? failure : nothingHeld(fd, present, bits);
            clearOutcome();
            if (e != null) {
                rollBack(fd, present);
                throw e;
            }
            table.put(fd, state(present, bits, trigger), token);
        }
    }

    @Override
    protected void implReregister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        int bits = KeventChanges.validate(abi, interests);
        synchronized (lock) {
            int at = table.find(fd);
            if (at < 0) {
                throw KqueueErrors.change("EV_ADD", abi, KqueueAbi.NONE, Errno.ENOENT, fd);
            }
            int state = table.state(at);
            int oldFilters = state & KeventChanges.FILTER_BITS;
            Trigger oldTrigger = TRIGGERS[state >>> TRIGGER_SHIFT];
            if (trigger == null) {
                trigger = oldTrigger; // the three-argument reregister keeps the registration's trigger
            }
            int n = KeventChanges.encodeProbe(abi, changes, 0, fd, table.token(at), oldFilters);
            n = KeventChanges.encode(abi, changes, n, fd, token, oldFilters, oldTrigger, bits, trigger);
            int present = submit(fd, n, oldFilters);
            int stale = staleErrno;
            SyscallException e = failure;
            clearOutcome();
            if (stale != 0) {
                // The descriptor was closed since it was registered (and its number perhaps reused):
                // undo what this list added to the new file and forget the registration, as epoll would.
                rollBack(fd, present);
                table.remove(fd);
                throw KqueueErrors.change("EV_ADD", abi, KqueueAbi.NONE, stale, fd);
            }
            SyscallException none = e == null ? nothingHeld(fd, present, bits) : null;
            if (none != null) {
                table.remove(fd);
                throw none;
            }
            table.put(fd, state(present, bits, trigger), token);
            if (e != null) {
                throw e;
            }
        }
    }

    /**
     * A registration for readiness whose every filter was excused ({@code EPIPE}, see the class
     * comment) would hold nothing in the kernel: no event could come, and no probe could later tell
     * that its descriptor was closed. It is refused with that {@code EPIPE}.
     *
     * @return the exception, or null if the kernel holds a filter or none was asked for
     */
    private SyscallException nothingHeld(int fd, int present, int bits) {
        if (present != 0 || (bits & KeventChanges.FILTER_BITS) == 0) {
            return null;
        }
        return KqueueErrors.change("EV_ADD", abi, abi.evfiltWrite, Errno.EPIPE, fd);
    }

    @Override
    protected void implDeregister(long handle) throws IOException {
        int fd = fd(handle);
        synchronized (lock) {
            int at = table.find(fd);
            if (at < 0) {
                throw KqueueErrors.change("EV_DELETE", abi, KqueueAbi.NONE, Errno.ENOENT, fd);
            }
            int state = table.state(at);
            Trigger trigger = TRIGGERS[state >>> TRIGGER_SHIFT];
            table.remove(fd);
            int n = KeventChanges.encode(abi, changes, 0, fd, 0, state & KeventChanges.FILTER_BITS, trigger, 0, trigger);
            submit(fd, n, state & KeventChanges.FILTER_BITS);
            SyscallException e = failure;
            clearOutcome();
            if (e != null) {
                // ENOENT: closed since registered (XNU) or closed and the number reused; EBADF: closed
                // (FreeBSD). Either way the kernel holds nothing for it any more, and the entry is gone.
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.EBADF) {
                    throw KqueueErrors.notRegistered(e.errno(), fd);
                }
                throw e;
            }
        }
    }

    private static int state(int presentFilters, int bits, Trigger trigger) {
        return presentFilters | (bits & ~KeventChanges.FILTER_BITS) | trigger.ordinal() << TRIGGER_SHIFT;
    }

    /** The first refused change of the last {@link #submit}, or null; under {@link #lock}. */
    private SyscallException failure;
    /** The errno ({@code ENOENT}, {@code EBADF}) with which the last submit's probe found no filter, or 0. */
    private int staleErrno;

    private void clearOutcome() {
        failure = null;
        staleErrno = 0;
    }

    /**
     * Submits the {@code n} changes in {@link #changes} and reads each receipt, setting
     * {@link #failure} to the first change the kernel refused (and that is not excused, see the class
     * comment) and {@link #staleErrno} if a probe found the filter gone.
     *
     * @param present the filter bits the kernel held before
     * @return the filter bits the kernel holds afterwards
     */
    private int submit(int fd, int n, int present) {
        if (n == 0) {
            return present;
        }
        int got = submitChanges(kq, n);
        if (got < 0) {
            failure = KqueueErrors.fail("kevent", -got, "fd " + fd);
            return present;
        }
        for (int i = 0; i < got; i++) {
            int changeFlags = layout.flags(changes, i);
            int filter = layout.filter(changes, i);
            int bit = filter == abi.evfiltRead ? Interest.READABLE_BIT : Interest.WRITABLE_BIT;
            int receipt = KeventChanges.MAX_CHANGES + i;
            int errno = (layout.flags(changes, receipt) & KqueueAbi.EV_ERROR) != 0 ? (int) layout.data(changes, receipt) : 0;
            if (KeventChanges.isProbe(changeFlags)) {
                if (errno == Errno.ENOENT || errno == Errno.EBADF) {
                    staleErrno = errno;
                    present &= ~bit;
                }
                continue;
            }
            boolean delete = (changeFlags & KqueueAbi.EV_DELETE) != 0;
            if (errno == 0) {
                present = delete ? present & ~bit : present | bit;
            } else if (!delete && errno == Errno.EPIPE && filter == abi.evfiltWrite) {
                present &= ~bit; // a widowed pipe on FreeBSD; see the class comment
            } else {
                if (delete || errno == Errno.EBADF) {
                    present &= ~bit;
                }
                if (failure == null) {
                    failure = KqueueErrors.change(delete ? "EV_DELETE" : "EV_ADD", abi, filter, errno, fd);
                }
            }
        }
        if (got < n && failure == null) {
            failure = KqueueErrors.fail("kevent", Errno.EINVAL, "fd " + fd + ": " + got + " receipts for " + n + " changes");
        }
        return present;
    }

    /**
     * Submits the {@code n} changes in {@link #changes}, each with {@code EV_RECEIPT}, with room for
     * exactly {@code n} receipts. The receipt slots are cleared first: kevent(2) says a call that fails
     * with {@code EINTR} has applied its whole change list, and the kernels copy each receipt out as
     * they go, so after {@code EINTR} a slot with {@code EV_ERROR} is a real answer and a clear one a
     * change applied without error (mio too takes {@code EINTR} here as success). With
     * {@code nevents == nchanges} neither kernel reaches its sleeping scan, so this is defensive.
     *
     * @return the number of receipts to read, or a negative errno
     */
    private int submitChanges(int q, int n) {
        for (int i = 0; i < n; i++) {
            layout.put(changes, KeventChanges.MAX_CHANGES + i, 0, 0, 0, 0, 0, 0);
        }
        int got = sys.kevent(q, changesAddress, n, receiptsAddress, n, zeroTimeoutPointer);
        return got == -Errno.EINTR ? n : got;
    }

    /** After a failed change list: deletes the filters that are present, so nothing half-registered stays. */
    private void rollBack(int fd, int present) {
        if (present != 0) {
            int n = KeventChanges.encode(abi, changes, 0, fd, 0, present, Trigger.LEVEL, 0, Trigger.LEVEL);
            submit(fd, n, present);
            clearOutcome();
        }
    }

    private int fd(long handle) {
        if (handle < 0 || handle > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid file descriptor " + handle);
        }
        if (handle == kq || handle == pipeRead || handle == pipeWrite) {
            throw new IllegalArgumentException("fd " + handle + " belongs to this Poll itself");
        }
        return (int) handle;
    }

    // ---------------------------------------------------------------- polling

    @Override
    protected int implSelect(EventBuffer events, long timeoutNanos) throws IOException {
        KqueueEventArray array = (KqueueEventArray) events;
        jnr.ffi.Pointer ts = null;
        if (timeoutNanos >= 0) {
            TimespecDescriptor.put(timeout, timeoutNanos);
            ts = timeoutPointer;
        }
        int n = sys.kevent(kq, 0, 0, array.address, array.capacity(), ts);
        if (n < 0) {
            if (-n == Errno.EINTR) {
                return 0;
            }
            throw KqueueErrors.fail("kevent", -n, "waiting on kqueue " + kq);
        }
        return n;
    }

    @Override
    public EventBuffer newEventBuffer(int capacity) {
        return new KqueueEventArray(abi, capacity);
    }

    @Override
    public boolean owns(EventBuffer buffer) {
        return buffer instanceof KqueueEventArray && ((KqueueEventArray) buffer).abi() == abi;
    }

    // ---------------------------------------------------------------- waker

    @Override
    protected void implInstallWaker(long token) throws IOException {
        synchronized (lock) {
            if (abi.userWaker) {
                armUserWaker(kq, token, true);
            } else {
                drainPipe();
                armPipeWaker(kq, pipeRead, token);
            }
        }
    }

    /**
     * Adds (or, with {@code replace}, deletes and adds, which forgets a pending trigger) the user
     * event with {@code token}, and prepares the trigger change {@link #implWake()} submits.
     */
    private void armUserWaker(int q, long token, boolean replace) throws SyscallException {
        int n = 0;
        if (replace) {
            layout.put(changes, n++, USER_IDENT, abi.evfiltUser, KqueueAbi.EV_DELETE | KqueueAbi.EV_RECEIPT, 0, 0, 0);
        }
        layout.put(changes, n++, USER_IDENT, abi.evfiltUser, KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR | KqueueAbi.EV_RECEIPT, 0, 0, token);
        checkReceipts(q, n, "EVFILT_USER waker");
        layout.put(wakeChange, 0, USER_IDENT, abi.evfiltUser, 0, KqueueAbi.NOTE_TRIGGER, 0, token);
    }

    private void armPipeWaker(int q, int readEnd, long token) throws SyscallException {
        layout.put(changes, 0, readEnd, abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR | KqueueAbi.EV_RECEIPT, 0, 0, token);
        checkReceipts(q, 1, "waker pipe fd " + readEnd);
    }

    private void checkReceipts(int q, int n, String what) throws SyscallException {
        int got = submitChanges(q, n);
        if (got < 0) {
            throw KqueueErrors.fail("kevent", -got, what);
        }
        for (int i = 0; i < got; i++) {
            int slot = KeventChanges.MAX_CHANGES + i;
            int errno = (layout.flags(changes, slot) & KqueueAbi.EV_ERROR) != 0 ? (int) layout.data(changes, slot) : 0;
            if (errno != 0) {
                throw KqueueErrors.fail("kevent(" + KqueueEventArray.flagsToString(layout.flags(changes, i)) + ")", errno, what);
            }
        }
    }

    @Override
    protected void implWake() throws IOException {
        if (abi.userWaker) {
            int got = sys.kevent(kq, wakeChangeAddress, 1, 0, 0, zeroTimeoutPointer);
            if (got < 0) {
                throw KqueueErrors.fail("kevent(NOTE_TRIGGER)", -got, "waking kqueue " + kq);
            }
        } else if (sys.write(pipeWrite, wakeByteAddress, 1) == Posix.WOULD_BLOCK) {
            // The pipe is full of unread wakes: empty it and wake again.
            drainPipe();
            sys.write(pipeWrite, wakeByteAddress, 1);
        }
    }

    private void drainPipe() throws SyscallException {
        for (int i = 0; i < 1024; i++) {
            long got = sys.read(pipeRead, drainAddress, drain.capacity());
            if (got <= 0) {
                return;
            }
        }
    }

    @Override
    protected void implInterrupt() {
        try {
            implWake();
        } catch (IOException e) {
            // Reported by implClose; the kqueue is closed regardless.
            interruptFailure = e;
        }
    }

    @Override
    protected void implClose() throws IOException {
        IOException first = interruptFailure;
        for (int fd : new int[] {pipeRead, pipeWrite, kq}) {
            if (fd < 0) {
                continue;
            }
            try {
                sys.close(fd);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** @return the number of registered descriptors, for tests */
    int registrations() {
        synchronized (lock) {
            return table.size();
        }
    }

    @Override
    public String toString() {
        return "KqueueSelector(kq=" + kq + ", " + abi + (pipeRead >= 0 ? ", pipe=" + pipeRead + "/" + pipeWrite : "")
                + (isClosed() ? ", closed" : "") + ")";
    }
}
