package io.jmio.poll.uring;

import static io.jmio.poll.uring.Registrations.ADD;
import static io.jmio.poll.uring.Registrations.ADD_QUEUED;
import static io.jmio.poll.uring.Registrations.DISARMED;
import static io.jmio.poll.uring.Registrations.EDGE;
import static io.jmio.poll.uring.Registrations.LEVEL;
import static io.jmio.poll.uring.Registrations.LIVE;
import static io.jmio.poll.uring.Registrations.ONESHOT;
import static io.jmio.poll.uring.Registrations.UPDATE;
import static io.jmio.poll.uring.Registrations.UPDATE_QUEUED;

import io.jmio.poll.Interest;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A readiness selector over io_uring poll requests.
 *
 * <p><b>One request per registration, updated in place.</b> Each registration is one multishot,
 * edge-triggered poll request ({@code IORING_OP_POLL_ADD} with {@code IORING_POLL_ADD_MULTI}), which
 * posts a completion on every wake-up of the file, as {@code EPOLLET} does. A reregister is a poll
 * update of that request ({@code IORING_OP_POLL_REMOVE} with {@code IORING_POLL_UPDATE_EVENTS} and
 * {@code IORING_POLL_UPDATE_USER_DATA}), found by its user_data, never by descriptor number: the
 * kernel arms it again on the same file with the new events and generation, and reports readiness
 * that exists now. The trigger modes differ only in what the owner does after an event:
 * <ul>
 * <li>edge: nothing;
 * <li>level: at its next select it updates the request with the same events, which re-checks the
 *     file, so readiness still present is reported again, as epoll's level mode reports it on every
 *     wait;
 * <li>oneshot: it drops further completions and updates the request to wait for nothing (hang-ups
 *     and errors aside, which it drops too) until a reregister updates it back.
 * </ul>
 * These updates ride in the select's own {@code io_uring_enter}: re-arming costs no system call.
 * (Single-shot requests would serve oneshot too, but every reregister would then submit the
 * descriptor number again, which the owner submits later and which may by then name another file.)
 *
 * <p><b>Who submits.</b> Only the thread in {@link #select} writes and submits entries. Registry calls
 * from any thread check and update the {@link Registrations} table under the lock, where errors are
 * answered at once (EEXIST, ENOENT; EBADF and EPERM from an {@code fstat} of the descriptor at register), and queue
 * the arming for the owner's next submission; if the owner is blocked in the kernel they wake it
 * through the selector's eventfd, which a multishot poll request watches. So every poll request
 * belongs to the polling thread, which is where the kernel runs its completion work, and a registry
 * call costs no {@code io_uring_enter}. A request that the kernel ends by itself (its submitting
 * thread exited: {@code -ECANCELED}; a multishot ended without {@code IORING_CQE_F_MORE}) is armed
 * again by the owner, after checking the descriptor still names the registered file.
 *
 * <p><b>Deregistration is synchronous with respect to the kernel.</b> Deregister cancels the request
 * with {@code IORING_REGISTER_SYNC_CANCEL} (Linux 6.0) before it returns; if the last entry written for
 * the descriptor has not yet been consumed by the kernel it first waits until the owner's
 * {@code io_uring_enter} has taken it (or submits it itself if the owner is not about to). Afterwards
 * no queued submission names the descriptor number and no request of the kernel polls its file, so
 * closing the descriptor cannot let a request reach a reused number; the cancelled request's
 * completion is dropped by its generation. An arming still queued when the descriptor is deregistered
 * is never written. The file reference the request held is dropped when the owner's thread next runs
 * its io_uring task work, at once if it is the caller or waiting in the kernel.
 *
 * <p><b>Timeouts.</b> A finite wait submits an {@code IORING_OP_TIMEOUT} that completes on expiry or
 * as soon as one other completion is posted, and waits for one completion; no
 * {@code IORING_ENTER_EXT_ARG}.
 *
 * <p><b>A difference from epoll.</b> A poll request holds a reference to its file: a descriptor
 * closed while registered stays registered, and its file open, until it is deregistered or the poll
 * is closed (so a socket type must deregister before it closes); events the request posted before
 * the close are still delivered. Reregister does not look at the descriptor (it updates the
 * registered file's request, so re-arming a oneshot registration costs no system call). Register and
 * deregister do ({@code fstat}): register of a number whose registered file was closed succeeds,
 * deregister of it reports ENOENT and releases the old file; a queued arming checks the file again
 * before its number is submitted, and an error or hang-up completion is dropped if the number no
 * longer names the file.
 *
 * <p>Threading: registration calls are thread-safe; {@code select} is called by one thread at a time.
 * The life cycle is guarded by {@link Selector}.
 */
final class UringSelector extends Selector {
    static final int SQ_ENTRIES = 256;
    static final int CQ_ENTRIES = 4096;
    private static final int NO_FD = -1;

    private final Ring ring;
    private final WakeupFd wakeup;
    /** Guards the table, its queue, the submission ring and the fields below. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Registrations table = new Registrations();
    private final long[] identity = new long[2];
    /** The owner is in (or about to enter) a blocking io_uring_enter. */
    private boolean sleeping;
    /** The eventfd was written to wake a sleeping owner; no second write until it wakes. */
    private boolean kicked;
    /** The eventfd's multishot poll is armed. */
    private boolean eventfdArmed;
    /** The owner has written entries and is about to submit them, outside the lock. */
    private volatile boolean submitting;

    private volatile long wakerToken;
    private volatile boolean hasWaker;
    private final EventBacklog backlog = new EventBacklog();
    /** Numbers the reaps (never 0, the arrays' initial value), to merge completions per select. */
    private int reaps;

    UringSelector() throws IOException {
        // Cooperative task running: a poll request's wake-up runs at the loop's next system call instead
        // of interrupting the thread with a signal-like notification each time (measured: 14,546 -> 7739
        // ns of loop CPU per echo round trip, level-triggered, 16 connections). Linux 5.19+; no thread rule.
        Ring r = Ring.open(SQ_ENTRIES, CQ_ENTRIES, UringNative.IORING_SETUP_COOP_TASKRUN);
        WakeupFd w;
        try {
            w = new WakeupFd();
        } catch (IOException | RuntimeException e) {
            try {
                r.close();
            } catch (SyscallException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        this.ring = r;
        this.wakeup = w;
    }

    @Override
    public String backendName() {
        return UringBackend.NAME;
    }

    static int toPoll(int interests) {
        if ((interests & (Interest.AIO_BIT | Interest.LIO_BIT)) != 0) {
            throw new UnsupportedOperationException("the io_uring backend does not support " + Interest.ofBits(interests)
                    + ": AIO and LIO are kqueue interests");
        }
        int events = 0;
        if ((interests & Interest.READABLE_BIT) != 0) {
            events |= UringNative.POLLIN | UringNative.POLLRDHUP;
        }
        if ((interests & Interest.WRITABLE_BIT) != 0) {
            events |= UringNative.POLLOUT;
        }
        if ((interests & Interest.PRIORITY_BIT) != 0) {
            events |= UringNative.POLLPRI;
        }
        return events;
    }

    static int toMode(Trigger trigger) {
        switch (trigger) {
            case LEVEL:
                return LEVEL;
            case ONESHOT:
                return ONESHOT;
            default:
                return EDGE;
        }
    }

    private int fd(long handle) {
        if (handle == wakeup.fd || handle == ring.fd) {
            throw new IllegalArgumentException("fd " + handle + " belongs to this Poll itself");
        }
        return (int) handle;
    }

    // ---- registry ---------------------------------------------------------------------------------

    @Override
    protected void implRegister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        int events = toPoll(interests);
        lock.lock();
        try {
            int st = UringNative.fstat(fd, identity);
            if (st < 0) {
                throw UringNative.registrationFailure("io_uring(POLL_ADD)", -st, fd, null);
            }
            int type = st & StatDescriptor.S_IFMT;
            if (type == StatDescriptor.S_IFREG || type == StatDescriptor.S_IFDIR) {
                throw UringNative.registrationFailure("io_uring(POLL_ADD)", Errno.EPERM, fd, null);
            }
            if (table.has(fd)) {
                if (table.sameFile(fd, identity[0], identity[1])) {
                    throw UringNative.registrationFailure("io_uring(POLL_ADD)", Errno.EEXIST, fd, null);
                }
                cancel(fd); // the registered file was closed and its number reused: that registration is gone
            }
            table.put(fd, toMode(trigger), events, token, identity[0], identity[1]);
            table.enqueue(fd, ADD);
            kickIfSleeping();
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void implReregister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        int events = toPoll(interests);
        lock.lock();
        try {
            // No look at the descriptor (no system call): the update goes to the registered file's request
            // by user_data, and an arming by number checks the file when it is written.
            if (!table.has(fd)) {
                throw UringNative.registrationFailure("io_uring(POLL_UPDATE)", Errno.ENOENT, fd, null);
            }
            // A null trigger (the three-argument reregister) keeps the registration's own mode.
            table.reregister(fd, trigger != null ? toMode(trigger) : table.mode(fd), events, token);
            table.enqueue(fd, table.is(fd, LIVE) ? UPDATE : ADD);
            kickIfSleeping();
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void implDeregister(long handle) throws IOException {
        int fd = fd(handle);
        lock.lock();
        try {
            checkRegistered("io_uring(POLL_REMOVE)", fd);
            cancel(fd);
            table.remove(fd);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails with ENOENT unless {@code fd} is registered and still names the registered file; a
     * registration whose file was closed is cancelled and forgotten first.
     */
    private void checkRegistered(String call, int fd) throws IOException {
        if (!table.has(fd)) {
            throw UringNative.registrationFailure(call, Errno.ENOENT, fd, null);
        }
        int st = UringNative.fstat(fd, identity);
        if (st < 0 || !table.sameFile(fd, identity[0], identity[1])) {
            cancel(fd);
            table.remove(fd);
            throw UringNative.registrationFailure(call, Errno.ENOENT, fd, "is not registered with this Poll: the file"
                    + " registered under this number was closed (" + (st < 0 ? Errno.current().name(-st) + " from fstat"
                    : "the number now names another file") + "); its registration is removed now");
        }
    }

    /**
     * Ends the kernel side of {@code fd}'s current registration before returning: waits until the last
     * entry written for it (POLL_ADD or update), if any, has been consumed, then cancels the request
     * synchronously, under the user_data the kernel gave it (the one of the last update, or the one
     * before if that update failed). The table entry stays; the caller replaces or removes it, which
     * moves the generation on.
     */
    private void cancel(int fd) throws IOException {
        if (!table.is(fd, LIVE)) {
            return;
        }
        awaitConsumed(table.writtenTail(fd));
        int now = table.kernelGen(fd);
        int before = table.previousKernelGen(fd);
        if (!UringNative.syncCancel(ring.fd, UserData.poll(fd, now)) && before != now) {
            UringNative.syncCancel(ring.fd, UserData.poll(fd, before));
        }
        table.clear(fd, LIVE);
    }

    /** Returns once the kernel has consumed the submission entries up to {@code tail}. */
    private void awaitConsumed(int tail) throws IOException {
        for (int spins = 0; ring.sqHead() - tail < 0; spins++) {
            if (!submitting) {
                // The owner wrote entries but will not submit them (its io_uring_enter failed): do it here.
                UringNative.enter(ring.fd, ring.sqPending(), 0, 0);
            } else if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void kickIfSleeping() throws SyscallException {
        if (sleeping && !kicked) {
            kicked = true;
            wakeup.write();
        }
    }

    // ---- select -----------------------------------------------------------------------------------

    @Override
    protected int implSelect(EventBuffer events, long timeoutNanos) throws IOException {
        UringEventArray out = (UringEventArray) events;
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        for (;;) {
            boolean wait;
            boolean enter;
            int toSubmit;
            lock.lock();
            try {
                flush();
                boolean ready = ring.cqReady() > 0 || backlog.size() > 0;
                wait = !ready && timeoutNanos != 0 && !isClosed();
                if (wait && timeoutNanos > 0) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        wait = false;
                    } else {
                        reserve(1);
                        ring.prepTimeout(remaining, 1, UserData.of(UserData.TIMEOUT));
                    }
                }
                ring.publish();
                // Exactly the entries written: the kernel skips the wait when it submits fewer than asked.
                toSubmit = ring.sqPending();
                enter = wait || !ready || toSubmit > 0;
                sleeping = wait;
                submitting = enter;
            } finally {
                lock.unlock();
            }
            if (enter) {
                try {
                    UringNative.enter(ring.fd, toSubmit, wait ? 1 : 0, UringNative.IORING_ENTER_GETEVENTS);
                } finally {
                    submitting = false;
                }
            }
            lock.lock();
            try {
                sleeping = false;
                kicked = false;
                int n = reap(out);
                if (n > 0 || timeoutNanos == 0 || isClosed()
                        || (timeoutNanos > 0 && System.nanoTime() - deadline >= 0)) {
                    return n;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Makes room for {@code n} entries, submitting what is written if the ring is full. Under the lock. */
    private void reserve(int n) throws SyscallException {
        while (ring.sqFree() < n) {
            ring.publish();
            UringNative.enter(ring.fd, ring.sqPending(), 0, 0);
        }
    }

    /** Writes the queued work as submission entries. Under the lock, by the owner. */
    private void flush() throws SyscallException {
        if (!eventfdArmed) {
            reserve(1);
            ring.prepPollAdd(wakeup.fd, UringNative.POLLIN, true, UserData.of(UserData.WAKE));
            eventfdArmed = true;
        }
        int n = table.queued();
        for (int i = 0; i < n; i++) {
            long entry = table.queuedAt(i);
            int fd = (int) entry;
            reserve(1);
            if ((int) (entry >>> 32) == ADD) {
                table.clear(fd, ADD_QUEUED);
                if (table.has(fd) && !table.is(fd, LIVE)) {
                    if (!stillSameFile(fd)) {
                        // Closed (and maybe its number reused) before its arming was submitted: the number
                        // must not reach the kernel. Forgotten, as epoll forgets a closed descriptor.
                        table.remove(fd);
                        continue;
                    }
                    ring.prepPollAdd(fd, armedEvents(fd), true, UserData.poll(fd, table.generation(fd)));
                    table.wroteAdd(fd, ring.sqTail());
                }
            } else {
                table.clear(fd, UPDATE_QUEUED);
                if (table.has(fd) && table.is(fd, LIVE)) {
                    int gen = table.generation(fd);
                    ring.prepPollUpdate(UserData.poll(fd, table.kernelGen(fd)), UserData.poll(fd, gen), armedEvents(fd),
                            UserData.update(fd, gen));
                    table.wroteUpdate(fd, ring.sqTail());
                }
            }
        }
        table.dequeue(n);
    }

    /** @return the events the kernel request should wait for: none for a oneshot that has reported */
    private int armedEvents(int fd) {
        return table.mode(fd) == ONESHOT && table.is(fd, DISARMED) ? 0 : table.events(fd);
    }

    /** Consumes every completion posted; returns the events stored in {@code out}. Under the lock. */
    private int reap(UringEventArray out) throws IOException {
        if (++reaps == 0) {
            reaps = 1;
        }
        int n = 0;
        int kept = 0;
        for (int i = 0; i < backlog.size(); i++) {
            int fd = backlog.fd(i);
            if (fd != NO_FD && !table.current(fd, backlog.generation(i))) {
                continue;
            }
            if (n < out.capacity() || merged(fd)) {
                n = emit(out, n, fd, backlog.generation(i), backlog.mask(i));
            } else {
                backlog.keep(i, kept++);
            }
        }
        backlog.truncate(kept);
        int ready = ring.cqReady();
        for (int i = 0; i < ready; i++) {
            n = complete(out, n, ring.cqeUserData(i), ring.cqeRes(i), ring.cqeFlags(i));
        }
        ring.cqAdvance(ready);
        return n;
    }

    /** Handles one completion. */
    private int complete(UringEventArray out, int n, long userData, int res, int flags) throws IOException {
        boolean more = (flags & UringNative.IORING_CQE_F_MORE) != 0;
        int kind = UserData.kind(userData);
        if (kind == UserData.WAKE) {
            if (!more) {
                eventfdArmed = false; // armed again by the next flush
            }
            if (res > 0 && wakeup.takeWake() && hasWaker) {
                return emit(out, n, NO_FD, 0, UringNative.POLLIN);
            }
            return n;
        }
        if (kind == UserData.TIMEOUT) {
            return n;
        }
        int fd = UserData.fd(userData);
        int gen = UserData.generation(userData);
        if (kind == UserData.UPDATE) {
            updateFailed(fd, gen, -res);
            return n;
        }
        if (!table.current(fd, gen)) {
            return n; // an earlier arming's completion: reregistered or deregistered since
        }
        if (!more) {
            table.clear(fd, LIVE);
        }
        if (res < 0) {
            if (-res == Errno.EBADF) {
                table.remove(fd); // closed before the kernel took the entry: forgotten, as epoll forgets closed fds
                return n;
            }
            if (-res == UringNative.ECANCELED) {
                table.enqueue(fd, ADD); // ended by the kernel (its submitting thread exited): armed again
                return n;
            }
            table.remove(fd);
            return emit(out, n, fd, gen, UringNative.POLLERR);
        }
        if ((res & (UringNative.POLLHUP | UringNative.POLLERR)) != 0 && !stillSameFile(fd)) {
            cancel(fd); // the descriptor was closed while registered: its file's events are no one's now
            table.remove(fd);
            return n;
        }
        if (!more) {
            table.enqueue(fd, ADD); // a multishot request ended (completion queue overflow): armed again
        }
        if (table.mode(fd) == ONESHOT) {
            if (table.is(fd, DISARMED)) {
                return n; // posted before the request learnt it is disarmed
            }
            table.set(fd, DISARMED);
            table.enqueue(fd, UPDATE); // the kernel request stops waiting until a reregister
        }
        return emit(out, n, fd, gen, res);
    }

    /** A poll update failed: {@code -EALREADY}, the request was completing (try again); {@code -ENOENT}, gone. */
    private void updateFailed(int fd, int gen, int errno) {
        if (fd >= 0 && (table.kernelGen(fd) & UserData.GENERATION_MASK) == gen) {
            table.updateFailed(fd);
        }
        if (!table.current(fd, gen)) {
            return;
        }
        if (errno == UringNative.EALREADY) {
            table.enqueue(fd, UPDATE);
        } else {
            table.clear(fd, LIVE);
            table.enqueue(fd, ADD);
        }
    }

    private boolean stillSameFile(int fd) {
        return UringNative.fstat(fd, identity) >= 0 && table.sameFile(fd, identity[0], identity[1]);
    }

    /** Stores an event in {@code out}, or in the backlog once {@code out} is full. */
    private int emit(UringEventArray out, int n, int fd, int gen, int mask) {
        int slot = fd == NO_FD ? -1 : table.reportedSlot(fd, reaps);
        if (slot >= 0) {
            out.addMask(slot, mask); // a second completion for a registration reported in this select
            return n;
        }
        if (n < out.capacity()) {
            return deliver(out, n, fd, mask);
        }
        backlog.add(fd, gen, mask);
        return n;
    }

    /** @return true if {@code fd} already has an event in {@code out} that a backlogged one joins */
    private boolean merged(int fd) {
        return fd != NO_FD && table.reportedSlot(fd, reaps) >= 0;
    }

    private int deliver(UringEventArray out, int n, int fd, int mask) {
        if (fd == NO_FD) {
            out.set(n, wakerToken, mask);
            return n + 1;
        }
        out.set(n, table.token(fd), mask);
        table.reported(fd, reaps, n);
        if (table.mode(fd) == LEVEL) {
            table.enqueue(fd, UPDATE); // re-armed at the next select: reported again while still ready
        }
        return n + 1;
    }

    // ---- waker and life cycle -----------------------------------------------------------------------

    @Override
    protected void implInstallWaker(long token) {
        wakerToken = token;
        wakeup.reset();
        hasWaker = true;
    }

    @Override
    protected void implWake() throws IOException {
        wakeup.wake();
    }

    @Override
    protected void implInterrupt() {
        try {
            wakeup.write();
        } catch (IOException e) {
            throw new IllegalStateException("cannot interrupt io_uring_enter on close", e);
        }
    }

    @Override
    protected void implClose() throws IOException {
        SyscallException first = null;
        try {
            ring.close();
        } catch (SyscallException e) {
            first = e;
        }
        try {
            wakeup.close();
        } catch (SyscallException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** @return the number of registered descriptors, for tests */
    int registrations() {
        lock.lock();
        try {
            return table.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public EventBuffer newEventBuffer(int capacity) {
        return new UringEventArray(capacity);
    }

    @Override
    public boolean owns(EventBuffer buffer) {
        return buffer instanceof UringEventArray;
    }

    @Override
    public String toString() {
        return "UringSelector(" + ring + ", eventfd=" + wakeup.fd + (isClosed() ? ", closed" : "") + ")";
    }
}
