package io.jmio.poll.spi;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Trigger;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend's kernel event queue, as mio's {@code sys::Selector}: the one class per backend that turns
 * registrations into kernel calls. The public methods here are final templates that keep the life
 * cycle safe for every backend; a backend implements the {@code impl*} methods.
 *
 * <p><b>Life cycle.</b> Every operation enters the selector (a counter of calls under way) and leaves
 * it when done. {@link #close()} marks the selector closed so that no new operation enters, makes a
 * blocked {@link #select} return through {@link #implInterrupt()}, waits for the calls under way to
 * leave, and only then calls {@link #implClose()}. So a descriptor is never closed (and its number
 * reused) under a thread that is still using it, and a closing poll never strands its poller.
 *
 * <p><b>Wake-ups.</b> The single waker of a selector is coalesced here: a {@link #wake()} whose
 * predecessor has not been reported yet returns without calling {@link #implWake()}; every select
 * re-opens the gate after the kernel returns.
 *
 * <p>Handles are Unix file descriptors on epoll and kqueue, and socket handles on IOCP; tokens and
 * interest bits are passed as primitives so that nothing on these paths allocates.
 *
 * <p>Threading: thread-safe, except {@link #select}, which one thread calls at a time.
 */
public abstract class Selector {
    private static final int CLOSED = 1 << 31;
    /** Set while a thread is inside {@link #select}: a second poller is refused (review D8). */
    private static final int POLLING = 1 << 30;
    private static final int COUNT = ~(CLOSED | POLLING);
    private static final VarHandle STATE;
    private static final VarHandle WAKE_PENDING;
    private static final VarHandle WAKER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Selector.class, "state", int.class);
            WAKE_PENDING = lookup.findVarHandle(Selector.class, "wakePending", int.class);
            WAKER = lookup.findVarHandle(Selector.class, "waker", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Bit 31: closed; bits 0-30: calls under way. */
    @SuppressWarnings("unused")
    private volatile int state;
    @SuppressWarnings("unused")
    private volatile int wakePending;
    /** 0: no waker, 1: a waker is installed. */
    @SuppressWarnings("unused")
    private volatile int waker;

    /** For subclasses. */
    protected Selector() {
    }

    /** @return the backend's name, e.g. {@code epoll} */
    public abstract String backendName();

    /**
     * Registers a handle.
     *
     * @param handle    file descriptor or socket handle
     * @param token     the token value events will carry
     * @param interests non-zero combination of {@link io.jmio.poll.Interest} bits
     * @param trigger   trigger mode
     * @throws IOException         from the kernel
     * @throws ClosedPollException if closed
     */
    public final void register(long handle, long token, int interests, Trigger trigger) throws IOException {
        enter("register");
        try {
            implRegister(handle, token, interests, trigger);
        } finally {
            leave();
        }
    }

    /**
     * Replaces a registration's token, interest and trigger mode.
     *
     * @param handle    a registered handle
     * @param token     the new token value
     * @param interests the new interest bits
     * @param trigger   the new trigger mode, or null to keep the registration's current one (each
     *                  backend knows it without allocating: see {@link #implReregister})
     * @throws IOException         from the kernel
     * @throws ClosedPollException if closed
     */
    public final void reregister(long handle, long token, int interests, Trigger trigger) throws IOException {
        enter("reregister");
        try {
            implReregister(handle, token, interests, trigger);
        } finally {
            leave();
        }
    }

    /**
     * Removes a registration.
     *
     * @param handle a registered handle
     * @throws IOException         from the kernel
     * @throws ClosedPollException if closed
     */
    public final void deregister(long handle) throws IOException {
        enter("deregister");
        try {
            implDeregister(handle);
        } finally {
            leave();
        }
    }

    /**
     * Waits for events and stores them in {@code events}.
     *
     * @param events       a buffer made by this selector's {@link #newEventBuffer}
     * @param timeoutNanos -1 to wait forever, 0 to return at once, else the most to wait
     * @return the number of events stored
     * @throws IOException         from the kernel
     * @throws ClosedPollException if closed before or during the wait
     */
    public final int select(EventBuffer events, long timeoutNanos) throws IOException {
        enterPoll();
        try {
            int n = implSelect(events, timeoutNanos);
            if (wakePending != 0) {
                // Only when set: a volatile store is a full fence on x86 (about 10 ns), paid on every poll
                // otherwise. Skipping it when 0 is safe: a wake that sets the flag after this read also
                // writes the eventfd after it, so the next poll returns at once and clears the flag then.
                wakePending = 0;
            }
            if ((state & CLOSED) != 0) {
                throw new ClosedPollException("Poll was closed while polling");
            }
            return n;
        } finally {
            STATE.getAndAdd(this, -(POLLING + 1));
        }
    }

    /**
     * Installs the selector's one waker.
     *
     * @param token the token value of its events
     * @throws IOException           from the kernel
     * @throws IllegalStateException if a waker is already installed
     * @throws ClosedPollException   if closed
     */
    public final void installWaker(long token) throws IOException {
        enter("create a Waker for");
        try {
            if (!WAKER.compareAndSet(this, 0, 1)) {
                throw new IllegalStateException("this Poll already has a Waker; a Poll has at most one"
                        + " (close the old one first)");
            }
            try {
                implInstallWaker(token);
                wakePending = 0; // a wake of a previous waker must not make this one's first wake a no-op
            } catch (IOException | RuntimeException | Error e) {
                waker = 0;
                throw e;
            }
        } finally {
            leave();
        }
    }

    /** Frees the waker slot. The kernel side stays armed but reports nothing until a new waker. */
    public final void removeWaker() {
        waker = 0;
    }

    /**
     * Wakes the poller: its current or next select returns with the waker's event.
     *
     * @throws IOException           from the kernel
     * @throws IllegalStateException if no waker is installed
     * @throws ClosedPollException   if closed
     */
    public final void wake() throws IOException {
        if (wakePending != 0 || !WAKE_PENDING.compareAndSet(this, 0, 1)) {
            if ((state & CLOSED) != 0) {
                throw new ClosedPollException("wake() on a Waker whose Poll is closed");
            }
            return;
        }
        try {
            enter("wake");
        } catch (RuntimeException | Error e) {
            wakePending = 0; // never leave the gate shut: every later wake() would return without a syscall
            throw e;
        }
        try {
            if (waker == 0) {
                wakePending = 0;
                throw new IllegalStateException("this Poll has no Waker");
            }
            implWake();
        } catch (IOException | RuntimeException | Error e) {
            wakePending = 0;
            throw e;
        } finally {
            leave();
        }
    }

    /**
     * Re-arms readiness that an edge-triggered registration reported and that an I/O call has just
     * found exhausted (it returned "would block"). Kernels that track edges themselves (epoll, kqueue)
     * need nothing, and this does nothing there; the IOCP backend, whose AFD polls are level-based,
     * turns a reported interest off until it is re-armed, as mio does.
     *
     * @param handle    a registered handle
     * @param interests the {@link io.jmio.poll.Interest} bits whose operation would block
     * @throws IOException         from the kernel
     * @throws ClosedPollException if closed
     */
    public final void rearm(long handle, int interests) throws IOException {
        enter("re-arm a source of");
        try {
            implRearm(handle, interests);
        } finally {
            leave();
        }
    }

    /**
     * @return true if handles are Unix file descriptors ({@link io.jmio.poll.SourceFd} is accepted);
     *         false on IOCP, whose handles are Windows sockets
     */
    public boolean acceptsFileDescriptors() {
        return true;
    }

    /** @return true if handles are Windows {@code SOCKET}s ({@link io.jmio.poll.SourceSocket} is accepted) */
    public boolean acceptsSockets() {
        return false;
    }

    /**
     * @param capacity number of slots
     * @return a new event buffer in this backend's layout
     */
    public abstract EventBuffer newEventBuffer(int capacity);

    /**
     * @param buffer an event buffer
     * @return true if {@code buffer} can be passed to this selector's {@link #select}
     */
    public abstract boolean owns(EventBuffer buffer);

    /** @return true once {@link #close()} has begun */
    public final boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Closes the selector as described in the class comment. Idempotent.
     *
     * @throws IOException if the kernel reports an error while closing (resources are freed anyway)
     */
    public final void close() throws IOException {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        if ((s & COUNT) != 0) {
            implInterrupt();
        }
        for (int spins = 0; (state & COUNT) != 0; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        implClose();
    }

    private void enter(String what) {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new ClosedPollException("cannot " + what + " a closed Poll");
            }
        } while (!STATE.compareAndSet(this, s, s + 1));
    }

    /** As {@link #enter}, for the one poller: one compare-and-set that also claims {@link #POLLING}. */
    private void enterPoll() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new ClosedPollException("cannot poll a closed Poll");
            }
            if ((s & POLLING) != 0) {
                throw new IllegalStateException("another thread is polling this Poll: a Poll has one poller at a time"
                        + " (use one Poll per thread, or wake the poller with a Waker)");
            }
        } while (!STATE.compareAndSet(this, s, (s + 1) | POLLING));
    }

    private void leave() {
        STATE.getAndAdd(this, -1);
    }

    /**
     * The kernel side of {@link #register}, called with the selector open.
     *
     * @param handle    file descriptor or socket handle
     * @param token     the token value events will carry
     * @param interests non-zero combination of {@link io.jmio.poll.Interest} bits
     * @param trigger   trigger mode
     * @throws IOException from the kernel
     */
    protected abstract void implRegister(long handle, long token, int interests, Trigger trigger) throws IOException;

    /**
     * The kernel side of {@link #reregister}, called with the selector open. A null {@code trigger}
     * keeps the trigger mode the handle was last registered or reregistered with through this
     * selector (the three-argument {@link io.jmio.poll.Registry#reregister(io.jmio.poll.Source,
     * io.jmio.poll.Token, io.jmio.poll.Interest) Registry.reregister}); a backend whose kernel cannot be
     * asked for it keeps it itself, in primitive storage (no allocation on a steady path).
     *
     * @param handle    a registered handle
     * @param token     the new token value
     * @param interests the new interest bits
     * @param trigger   the new trigger mode, or null to keep the current one
     * @throws IOException from the kernel
     */
    protected abstract void implReregister(long handle, long token, int interests, Trigger trigger) throws IOException;

    /**
     * The kernel side of {@link #deregister}, called with the selector open.
     *
     * @param handle a registered handle
     * @throws IOException from the kernel
     */
    protected abstract void implDeregister(long handle) throws IOException;

    /**
     * The kernel side of {@link #rearm}. Does nothing here: the kernel keeps edge-triggered registrations
     * armed.
     *
     * @param handle    a registered handle
     * @param interests the interest bits whose operation would block
     * @throws IOException from the kernel
     */
    protected void implRearm(long handle, int interests) throws IOException {
    }

    /**
     * Waits in the kernel ({@link #select}). A wait interrupted by a signal returns 0 events, not an error.
     *
     * @param events       a buffer made by this selector's {@link #newEventBuffer}
     * @param timeoutNanos -1 to wait forever, 0 to return at once, else the most to wait
     * @return the number of events written into {@code events}
     * @throws IOException from the kernel
     */
    protected abstract int implSelect(EventBuffer events, long timeoutNanos) throws IOException;

    /**
     * Arms the kernel side of the waker ({@link #installWaker}).
     *
     * @param token the token value of its events
     * @throws IOException from the kernel
     */
    protected abstract void implInstallWaker(long token) throws IOException;

    /**
     * Triggers the waker's event ({@link #wake}).
     *
     * @throws IOException from the kernel
     */
    protected abstract void implWake() throws IOException;

    /**
     * Makes a select under way in another thread return soon; called by {@link #close()} while the
     * selector is still fully open. Must not throw.
     */
    protected abstract void implInterrupt();

    /**
     * Frees the kernel queue and everything else; called once, with no call under way.
     *
     * @throws IOException from the kernel
     */
    protected abstract void implClose() throws IOException;
}
