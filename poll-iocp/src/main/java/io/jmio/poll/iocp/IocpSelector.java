package io.jmio.poll.iocp;

import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A completion port and its AFD polls, as mio's {@code sys::windows::selector}: readiness of sockets
 * on Windows, where the kernel reports completions, not readiness.
 *
 * <p><b>How readiness is obtained.</b> For each registered socket the selector keeps one
 * {@code IOCTL_AFD_POLL} request in flight on a shared AFD handle ({@link AfdGroup}), asking for the
 * AFD bits of the socket's interest ({@link AfdEvents}). The driver completes the request when one of
 * those bits is true, writing the ready bits into the socket's {@code AFD_POLL_INFO} and queueing a
 * packet on the port; {@link #implSelect} dequeues packets with {@code GetQueuedCompletionStatusEx},
 * finds each socket's slot from the packet's APC context ({@link SocketTable#byReference}, no map
 * lookup), decodes the bits into an event and, unless the trigger mode says otherwise, submits the
 * next poll before the next wait.
 *
 * <p><b>When polls are submitted.</b> Registrations, re-registrations and re-arms put the socket on an
 * update queue, which is flushed just before each wait; when another thread is waiting at that moment
 * the registering thread flushes it itself, so the blocked wait sees the new socket (the port wakes
 * the waiter when the packet arrives). Growing an interest beyond what the in-flight poll asks for
 * cancels it ({@code NtCancelIoFileEx}); its {@code STATUS_CANCELLED} packet brings the slot back to
 * idle, and the wider poll is submitted then.
 *
 * <p><b>Trigger modes.</b> The driver's polls are level-based: a poll for readable data completes at
 * once while unread data is there. {@link Trigger#LEVEL} submits the same poll again after each report;
 * {@link Trigger#ONESHOT} submits nothing until re-registered; {@link Trigger#EDGE} does what mio does,
 * turning a reported interest off until an I/O call that would block re-arms it through
 * {@link Selector#rearm} ({@link io.jmio.poll.SourceSocket#rearm}). I/O done on the socket outside
 * jmio's types must call that hook after every {@code WSAEWOULDBLOCK}; without it an edge-triggered
 * socket reports each interest once.
 *
 * <p><b>Memory safety.</b> A socket's status block and poll info are written by the kernel at
 * completion, maybe after the socket was deregistered. Its slot is therefore freed only when the
 * packet of its last poll has been dequeued ({@link SocketState}); a deregistered socket's packet
 * reports nothing. The slot's generation is in every APC context, so a packet can never be taken for
 * a later user of the same slot. At close every poll in flight is cancelled and its packet awaited
 * before the AFD handles and the port are closed; memory the kernel might still write (if a packet
 * never came) is kept reachable for the life of the process.
 *
 * <p><b>Sockets closed while registered.</b> The selector keeps its own map from socket handle to
 * slot, and only the driver can tell it that a socket is gone: a pending poll completes with
 * {@code AFD_POLL_LOCAL_CLOSE} (or a new poll is refused for an invalid handle), and the registration
 * goes inert; registering the same handle value then replaces it. So a poll is kept in flight for
 * every live registration, for {@code LOCAL_CLOSE} alone when nothing is armed (a oneshot after its
 * report, an edge registration whose interests were all reported), as mio and wepoll do. Before the
 * close is seen, a new socket that reuses the handle value gets {@code EEXIST}. Sockets are documented
 * to be deregistered before they are closed.
 *
 * <p><b>Waker.</b> {@code PostQueuedCompletionStatus} with the key {@link #WAKER_KEY} and the waker's
 * token as the packet's {@code lpOverlapped} value; a close from another thread posts
 * {@link #INTERRUPT_KEY}.
 *
 * <p>Threading: registration calls are thread-safe (one lock guards the slots and the update queue,
 * never held across the wait); {@code select} is called by one thread at a time. The life cycle is
 * guarded by {@link Selector}.
 */
final class IocpSelector extends Selector {
    /** Completion key of every AFD handle. */
    static final long AFD_KEY = 1;
    /** Completion key of the waker's packets; their {@code lpOverlapped} is the waker's token. */
    static final long WAKER_KEY = 2;
    /** Completion key of the packet that releases a wait when the poll is closed. */
    static final long INTERRUPT_KEY = 3;

    /**
     * The port's concurrency value: 0 (one running thread per processor), as mio and wepoll. A thread
     * that has waited on a port stays associated with it until it waits elsewhere or exits, and while
     * the associated running threads reach the value, other waiters are held back: with 1, a second
     * thread's select (or close's drain) could wait behind a thread that merely polled earlier.
     */
    static final int PORT_CONCURRENCY = 0;

    /** How long close waits for the packets of cancelled polls. */
    private static final long CLOSE_DRAIN_NANOS = 2_000_000_000L;
    /** Memory a kernel might still write after close; kept reachable so it is never freed. */
    private static final List<Object> QUARANTINE = Collections.synchronizedList(new ArrayList<>());

    private final IocpSystem system;
    private final long port;
    private final Object lock = new Object();
    private final SocketTable table = new SocketTable();
    private final AfdGroup afds;

    /** Slot indexes waiting to be submitted or cancelled. */
    private int[] updates = new int[16];
    private int updateCount;
    /** Slot indexes whose poll could not be submitted: an error event is owed for each. */
    private int[] failures = new int[4];
    private int failureCount;

    /** True while a thread waits in the port (guarded by {@link #lock}). */
    private boolean polling;
    private volatile boolean closing;
    /** Set by {@link #decode} when a cancelled poll must be replaced (guarded by {@link #lock}). */
    private boolean resubmitAfterCancel;
    private volatile long wakerToken;

    IocpSelector(IocpSystem system) throws IOException {
        this.system = system;
        this.port = system.createPort(PORT_CONCURRENCY);
        this.afds = new AfdGroup(system, port);
    }

    @Override
    public String backendName() {
        return IocpBackend.NAME;
    }

    @Override
    public boolean acceptsFileDescriptors() {
        return system.handlesAreFileDescriptors();
    }

    @Override
    public boolean acceptsSockets() {
        return true;
    }

    // ---- registrations -------------------------------------------------------------------------

    @Override
    protected void implRegister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int mask = AfdEvents.fromInterest(interests);
        long base = system.baseSocket(handle);
        synchronized (lock) {
            SocketState existing = table.lookup(handle);
            if (existing != null) {
                if (!existing.closed) {
                    throw WindowsErrors.alreadyRegistered("register", handle);
                }
                // The socket this handle named was closed without deregistering; the handle value is reused.
                table.unmap(handle);
                free(existing);
            }
            AfdGroup.Afd afd = afds.acquire();
            SocketState s = table.allocate();
            s.open(handle, base, afd);
            s.set(token, interests, mask, trigger);
            table.map(handle, s);
            update(s);
        }
    }

    @Override
    protected void implReregister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int mask = AfdEvents.fromInterest(interests);
        synchronized (lock) {
            SocketState s = table.lookup(handle);
            if (s == null) {
                throw WindowsErrors.notRegistered("reregister", handle);
            }
            // A null trigger (the three-argument reregister) keeps the registration's own.
            s.set(token, interests, mask, trigger != null ? trigger : s.trigger);
            update(s);
        }
    }

    @Override
    protected void implDeregister(long handle) throws IOException {
        synchronized (lock) {
            SocketState s = table.lookup(handle);
            if (s == null) {
                throw WindowsErrors.notRegistered("deregister", handle);
            }
            table.unmap(handle);
            s.deletePending = true;
            if (s.status == SocketState.PENDING) {
                cancel(s);
            }
            if (s.status == SocketState.IDLE) {
                free(s);
            }
        }
    }

    @Override
    protected void implRearm(long handle, int interests) throws IOException {
        int mask = AfdEvents.fromInterest(interests);
        synchronized (lock) {
            SocketState s = table.lookup(handle);
            if (s == null) {
                throw WindowsErrors.notRegistered("rearm", handle);
            }
            if (s.rearm(mask)) {
                update(s);
            }
        }
    }

    /** Queues {@code s} for submission; submits at once if another thread is waiting. */
    private void update(SocketState s) throws IOException {
        enqueue(s);
        if (polling) {
            flushUpdates();
        }
    }

    private void enqueue(SocketState s) {
        if (!s.queued) {
            s.queued = true;
            if (updateCount == updates.length) {
                updates = Arrays.copyOf(updates, updateCount * 2);
            }
            updates[updateCount++] = s.index;
        }
    }

    /** Submits or cancels the polls of every queued slot. */
    private void flushUpdates() throws IOException {
        IOException first = null;
        for (int i = 0; i < updateCount; i++) {
            SocketState s = table.slot(updates[i]);
            if (!s.queued) {
                continue;
            }
            s.queued = false;
            if (!s.inUse) {
                continue;
            }
            try {
                if (s.needsCancel()) {
                    cancel(s);
                } else if (s.needsSubmit()) {
                    submit(s);
                }
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        updateCount = 0;
        if (first != null) {
            throw first;
        }
    }

    private void submit(SocketState s) {
        int mask = s.submitMask();
        table.writeRequest(s, mask);
        try {
            system.afdPoll(s.afd.handle, s.reference(), s.ioStatusBlock, s.pollInfo);
            s.submitted(mask);
        } catch (IOException e) {
            // Report it as an error event at the next wait. An invalid handle means the socket was
            // closed without being deregistered: the registration is dead, as after AFD_POLL_LOCAL_CLOSE.
            s.submitFailed(e instanceof SyscallException
                    && ((SyscallException) e).errno() == WindowsErrors.ERROR_INVALID_HANDLE);
            if (failureCount == failures.length) {
                failures = Arrays.copyOf(failures, failureCount * 2);
            }
            failures[failureCount++] = s.index;
        }
    }

    private void cancel(SocketState s) throws IOException {
        if (table.status(s) == WindowsErrors.STATUS_PENDING) {
            system.afdCancel(s.afd.handle, s.ioStatusBlock);
        }
        // Whether the cancellation or the completion wins, exactly one packet follows.
        s.cancelRequested();
    }

    private void free(SocketState s) throws IOException {
        AfdGroup.Afd afd = s.afd;
        table.release(s);
        afds.release(afd);
    }

    // ---- waiting -------------------------------------------------------------------------------

    @Override
    protected int implSelect(EventBuffer buffer, long timeoutNanos) throws IOException {
        IocpEventArray events = (IocpEventArray) buffer;
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        long remaining = timeoutNanos;
        while (true) {
            boolean owed;
            synchronized (lock) {
                flushUpdates();
                owed = failureCount > 0;
                polling = true;
            }
            int n = 0;
            int out;
            boolean followUp;
            boolean waited = false;
            try {
                n = system.getQueuedCompletionStatusEx(port, events.entriesAddress, events.capacity(),
                        events.removedAddress, owed ? 0 : toMillis(remaining));
                waited = true;
            } finally {
                synchronized (lock) {
                    polling = false;
                    resubmitAfterCancel = false;
                    out = decode(events, n, 0);
                    // Owed error events stay owed when the wait failed: this select throws, and events
                    // stored now would never be seen.
                    out = waited ? reportFailures(events, out) : out;
                    // A poll cancelled to widen its interest was just replaced; submit the new one now and
                    // collect what it completes at once, so that a reregistration reports readiness that
                    // already exists in this very poll, as on epoll.
                    followUp = resubmitAfterCancel && out < events.capacity() && !closing;
                    if (followUp) {
                        flushUpdates();
                    }
                }
            }
            if (followUp) {
                int m = system.getQueuedCompletionStatusEx(port, events.entriesAddress, events.capacity() - out,
                        events.removedAddress, 0);
                synchronized (lock) {
                    out = decode(events, m, out);
                }
            }
            if (out > 0 || closing || timeoutNanos == 0) {
                return out;
            }
            if (timeoutNanos > 0) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return 0;
                }
            }
        }
    }

    /**
     * Turns {@code n} dequeued packets into events stored from index {@code out}; returns the new
     * number of events.
     */
    private int decode(IocpEventArray events, int n, int out) throws IOException {
        for (int i = 0; i < n; i++) {
            long key = events.completionKey(i);
            long overlapped = events.overlapped(i);
            if (key == AFD_KEY) {
                SocketState s = table.byReference(overlapped);
                if (s == null) {
                    assert false : "packet for a stale slot reference " + Long.toHexString(overlapped);
                    continue;
                }
                int status = table.status(s);
                int report = s.completed(status, table.numberOfHandles(s), table.events(s));
                if (s.deletePending) {
                    free(s);
                    continue;
                }
                if (report != 0) {
                    events.tokens[out] = s.token;
                    events.flags[out] = report;
                    out++;
                }
                if (s.needsSubmit()) {
                    enqueue(s);
                    resubmitAfterCancel |= status == WindowsErrors.STATUS_CANCELLED;
                }
            } else if (key == WAKER_KEY) {
                events.tokens[out] = overlapped;
                events.flags[out] = AfdEvents.WAKER;
                out++;
            }
            // INTERRUPT_KEY reports nothing: the select that sees it is ending because of a close.
        }
        return out;
    }

    private int reportFailures(IocpEventArray events, int out) {
        int kept = 0;
        for (int i = 0; i < failureCount; i++) {
            SocketState s = table.slot(failures[i]);
            if (!s.inUse || !s.failed || s.deletePending) {
                continue;
            }
            if (out < events.capacity()) {
                s.failed = false;
                events.tokens[out] = s.token;
                events.flags[out] = AfdEvents.POLL_FAILED;
                out++;
            } else {
                failures[kept++] = failures[i];
            }
        }
        failureCount = kept;
        return out;
    }

    /**
     * Milliseconds for {@code GetQueuedCompletionStatusEx}: -1 ({@code INFINITE}, 0xFFFFFFFF) to wait
     * forever, sub-millisecond waits rounded up rather than turned into a busy poll.
     */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L != 0 ? 1 : 0);
        return millis > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) millis;
    }

    // ---- waker and close -----------------------------------------------------------------------

    @Override
    protected void implInstallWaker(long token) {
        wakerToken = token;
    }

    @Override
    protected void implWake() throws IOException {
        system.postQueuedCompletionStatus(port, 0, WAKER_KEY, wakerToken);
    }

    @Override
    protected void implInterrupt() {
        closing = true;
        try {
            system.postQueuedCompletionStatus(port, 0, INTERRUPT_KEY, 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot interrupt GetQueuedCompletionStatusEx on close", e);
        }
    }

    @Override
    protected void implClose() throws IOException {
        IOException first = null;
        synchronized (lock) {
            for (int i = 0; i < table.capacity(); i++) {
                SocketState s = table.slot(i);
                if (s.inUse && s.status == SocketState.PENDING) {
                    s.deletePending = true;
                    try {
                        cancel(s);
                    } catch (IOException e) {
                        first = add(first, e);
                    }
                }
            }
            try {
                drainInFlight();
            } catch (IOException e) {
                first = add(first, e);
            }
            if (inFlight() > 0) {
                QUARANTINE.add(table.memory());
            }
            try {
                afds.closeAll();
            } catch (IOException e) {
                first = add(first, e);
            }
            try {
                system.closeHandle(port);
            } catch (IOException e) {
                first = add(first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static IOException add(IOException first, IOException e) {
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }

    /** Waits (boundedly) for the packets of every poll still in the kernel. */
    private void drainInFlight() throws IOException {
        if (inFlight() == 0) {
            return;
        }
        IocpEventArray scratch = new IocpEventArray(64);
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            int n = system.getQueuedCompletionStatusEx(port, scratch.entriesAddress, scratch.capacity(),
                    scratch.removedAddress, 100);
            for (int i = 0; i < n; i++) {
                if (scratch.completionKey(i) == AFD_KEY) {
                    SocketState s = table.byReference(scratch.overlapped(i));
                    if (s != null) {
                        s.completed(table.status(s), table.numberOfHandles(s), table.events(s));
                    }
                }
            }
        }
    }

    /** @return the number of slots whose poll is still in the kernel */
    int inFlight() {
        int n = 0;
        for (int i = 0; i < table.capacity(); i++) {
            SocketState s = table.slot(i);
            if (s.inUse && s.status != SocketState.IDLE) {
                n++;
            }
        }
        return n;
    }

    /** @return the number of open AFD handles, for tests */
    int afdHandles() {
        synchronized (lock) {
            return afds.size();
        }
    }

    /** @return the number of slots in use, for tests */
    int slotsInUse() {
        synchronized (lock) {
            return table.inUse();
        }
    }

    @Override
    public EventBuffer newEventBuffer(int capacity) {
        return new IocpEventArray(capacity);
    }

    @Override
    public boolean owns(EventBuffer buffer) {
        return buffer instanceof IocpEventArray;
    }

    @Override
    public String toString() {
        return "IocpSelector(port=" + port + (isClosed() ? ", closed" : "") + ")";
    }
}
