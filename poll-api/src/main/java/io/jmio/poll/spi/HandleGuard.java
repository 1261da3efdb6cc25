package io.jmio.poll.spi;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;

/**
 * An owned kernel handle (a Unix file descriptor or a Windows {@code SOCKET}) that is never released
 * to the kernel while a thread is inside an operation on it, so that a number the kernel hands out
 * again after {@code close} is never read, written or registered through the old owner.
 *
 * <p><b>The rule.</b> Every operation brackets its system call with {@link #acquire()} and
 * {@link #release()}. {@link #close()} marks the handle closed (later acquires fail with
 * {@link ClosedChannelException}), deregisters it from the poll it is registered with, and drops the
 * owner's reference; whoever drops the last reference, the closer or the last operation still in
 * flight, closes the handle ({@link #closeHandle}). Close is never retried.
 *
 * <pre>{@code
 * long h = guard.acquire();          // ClosedChannelException once closed
 * try {
 *     n = sockets.read(h, dst, false);
 * } finally {
 *     guard.release();               // the last one out closes
 * }
 * }</pre>
 *
 * <p><b>State</b> is one {@code long}: a closed bit and the count of references (the owner's, plus one
 * per operation in flight). {@link #acquire()} is one compare-and-set, {@link #release()} one
 * atomic add; neither allocates nor locks. Once the closed bit is set the count only falls, so it
 * reaches zero exactly once and the handle is closed exactly once.
 *
 * <p><b>Registration.</b> {@link #register}, {@link #reregister} and {@link #deregister} run inside
 * the guard too and remember the {@link Registry} the handle is registered with. Registering with a
 * second poll while registered with a first, still open one is refused with an
 * {@link IllegalStateException}, on every backend (epoll itself would accept it, and both loops would
 * then race to read the socket; mio refuses it too). Remembering it also lets close deregister it
 * (a poll reports nothing for a closed socket, even while an operation in flight keeps the number
 * open; on backends that keep handles in queued submissions, deregistering is what
 * flushes them). A registration made by an operation that raced close is removed by the final
 * closer. A failure to deregister is reported by {@link #close()} after the handle is closed;
 * {@code ENOENT} and a closed poll are not failures (nothing is left to remove).
 *
 * <p><b>Completion queues.</b> A completion queue that submits an operation on the handle
 * {@linkplain #claim claims} it first, and {@linkplain #unclaim unclaims} it when the operation's last
 * completion is reaped: the handle belongs to one {@link Owner} at a time (a second one is refused with
 * an {@link IllegalStateException} while the first has operations in flight), never to a queue and a
 * poll at once (the readiness loop and the queue would race on its bytes), and {@link #close()} tells
 * the owner, which cancels what it has in flight so the last completion closes the handle. See
 * {@link #claim} for the memory-model reasoning.
 *
 * <p><b>When the last one out is an operation</b>, the failure of the deferred close (only
 * {@code EBADF}, a handle closed behind jmio's back, in practice) is thrown by that operation's
 * {@link #release()}.
 *
 * <p>Threading: every method is thread-safe; {@link #close()} may be called from any thread at any
 * time, also while other threads are inside operations.
 */
public abstract class HandleGuard {
    private static final long CLOSED = 1L << 62;
    /** Set with {@link #CLOSED} by {@link #detach()}: the last one out then leaves the handle open. */
    private static final long DETACHED = 1L << 61;
    private static final long COUNT = DETACHED - 1;
    private static final VarHandle STATE;
    private static final VarHandle REGISTRY;
    private static final VarHandle OWNER;
    private static final VarHandle CLAIMS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(HandleGuard.class, "state", long.class);
            REGISTRY = lookup.findVarHandle(HandleGuard.class, "registry", Registry.class);
            OWNER = lookup.findVarHandle(HandleGuard.class, "owner", Owner.class);
            CLAIMS = lookup.findVarHandle(HandleGuard.class, "claims", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The handle; owned by this guard. */
    protected final long handle;
    /** The closed bit and the reference count; starts with the owner's reference. */
    private volatile long state = 1;
    /** The registry the handle is registered with, or null. */
    private volatile Registry registry;
    /**
     * The completion queue that last claimed the handle, or null; it stays after its operations are
     * reaped (so its next claim is a plain read), and is taken over by another queue only while
     * {@link #claims} is 0. Volatile, but read in plain mode by the owner's own fast path.
     */
    private volatile Owner owner;
    /** The owner's operations in flight; written by the owner's thread only, released when it falls to 0. */
    private int claims;

    /**
     * The completion queue side of a handle: the owner of the operations in flight on it.
     *
     * <p>Threading: {@link #closed} is called from whichever thread closes the handle.
     */
    public interface Owner {
        /**
         * The handle was closed (or detached), possibly from another thread, with operations of this
         * owner in flight on it: the owner cancels them at its next turn. Must not block; it is called
         * at most once per handle, after the closed mark is set and before the closer's reference is
         * dropped, and not at all if the owner had nothing in flight.
         *
         * @param guard the closed guard
         * @throws IOException if the owner could not be woken (the close itself proceeds)
         */
        void closed(HandleGuard guard) throws IOException;
    }

    /**
     * An operation on the handle, for the calls that are not on a hot path (it is a lambda, and
     * capturing lambdas allocate).
     *
     * @param <T> the result
     */
    @FunctionalInterface
    public interface Call<T> {
        /**
         * @param handle the open handle
         * @return the result
         * @throws IOException from the system call
         */
        T apply(long handle) throws IOException;
    }

    /** An operation on the handle without a result; see {@link Call}. */
    @FunctionalInterface
    public interface Run {
        /**
         * @param handle the open handle
         * @throws IOException from the system call
         */
        void run(long handle) throws IOException;
    }

    /**
     * @param handle an open handle, now owned by this guard
     */
    protected HandleGuard(long handle) {
        this.handle = handle;
    }

    /**
     * Enters an operation: the handle stays open until the matching {@link #release()}.
     *
     * @return the handle
     * @throws ClosedChannelException if {@link #close()} was called
     */
    public final long acquire() throws ClosedChannelException {
        long s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new UseAfterClose(describe());
            }
        } while (!STATE.weakCompareAndSet(this, s, s + 1));
        return handle;
    }

    /**
     * Leaves an operation; after {@link #close()}, the last one out closes the handle.
     *
     * @throws IOException if this was the last one out and closing failed
     */
    public final void release() throws IOException {
        if ((long) STATE.getAndAdd(this, -1L) == CLOSED + 1) {
            closeNow();
        }
    }

    /**
     * Runs {@code call} inside the guard (for calls off the hot path).
     *
     * @param call the operation
     * @param <T>  its result
     * @return what it returned
     * @throws IOException from the operation, or {@link ClosedChannelException} if closed
     */
    public final <T> T call(Call<T> call) throws IOException {
        long h = acquire();
        try {
            return call.apply(h);
        } finally {
            release();
        }
    }

    /**
     * Runs {@code run} inside the guard (for calls off the hot path).
     *
     * @param run the operation
     * @throws IOException from the operation, or {@link ClosedChannelException} if closed
     */
    public final void run(Run run) throws IOException {
        long h = acquire();
        try {
            run.run(h);
        } finally {
            release();
        }
    }

    /** @return the handle, open or not (diagnostics; it may be closed, or reused, once closed) */
    public final long handle() {
        return handle;
    }

    /** @return true once {@link #close()} was called (the handle itself may still be open for an operation in flight) */
    public final boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Counts one more operation of {@code q} in flight on the handle; call it before {@link #acquire()}.
     * When {@code q} is the owner already this is a plain read and a plain increment.
     *
     * <p><b>Memory model.</b> The owner's thread is the only writer of the count while it owns the
     * handle. A queue becomes the owner with a compare-and-set of {@link #owner}, which it may do only
     * while the previous owner's count, read with acquire, is 0 (the previous owner stores its last
     * decrement with release): a hand-over from one thread to another is safe when the application
     * orders it, as it must for any object that is not thread-safe (a hand-over through a concurrent
     * queue, a lock, a thread start). A submission on the old queue racing the take-over without such
     * an order is the application's data race and is detected at best. Close from another thread:
     * the claim's owner store (or an earlier one) precedes the operation's {@link #acquire()}
     * compare-and-set, and {@link #close()} reads the owner after its own compare-and-set of the same
     * state; the two are ordered, so either the acquire fails or the closer sees the owner and a count
     * that includes the operation (or a later one: a count seen at 0 after close stays 0), and tells it.
     *
     * @param q the completion queue submitting the operation
     * @throws IllegalStateException  if another queue has operations in flight on the handle, or it is
     *                                registered with a poll that is still open
     * @throws ClosedChannelException if {@link #close()} was called (checked here only when {@code q}
     *                                is not the owner yet; {@link #acquire()} checks it always)
     */
    public final void claim(Owner q) throws ClosedChannelException {
        if ((Owner) OWNER.get(this) == q) { // plain: only q's thread writes q here
            claims++;
            return;
        }
        claimSlow(q);
    }

    private void claimSlow(Owner q) throws ClosedChannelException {
        if (isClosed()) {
            throw new UseAfterClose(describe()); // closed says more than "owned elsewhere"
        }
        while (true) {
            Owner current = owner;
            if (current == q) {
                claims++;
                return;
            }
            if (current != null && (int) CLAIMS.getAcquire(this) > 0) {
                throw new IllegalStateException(describe() + " has operations in flight on another completion queue ("
                        + current + "): a socket belongs to one queue at a time; reap them (or cancel) first");
            }
            Registry r = registry;
            if (r != null && !r.isPollClosed()) {
                throw new IllegalStateException(describe() + " is registered with a Poll (" + r.backendName()
                        + "); deregister it first: readiness events and completion operations would race on its bytes");
            }
            if (OWNER.compareAndSet(this, current, q)) {
                claims = 1;
                return;
            }
        }
    }

    /**
     * Counts one operation of the owner less (its last completion was reaped, or it was never
     * submitted); call it before the matching {@link #release()}.
     */
    public final void unclaim() {
        int n = claims - 1;
        if (n == 0) {
            CLAIMS.setRelease(this, 0); // a plain store on x86; pairs with claimSlow's acquire
        } else {
            claims = n;
        }
    }

    /**
     * @param q a completion queue
     * @return its operations in flight on the handle (0 if it is not the owner); for the owner's thread
     */
    public final int claims(Owner q) {
        return (Owner) OWNER.get(this) == q ? claims : 0;
    }

    /**
     * Forgets {@code q} as the owner if it has nothing in flight (the queue is closing).
     *
     * @param q a completion queue
     */
    public final void disown(Owner q) {
        if (claims(q) == 0) {
            OWNER.compareAndSet(this, q, (Owner) null);
        }
    }

    /** @return the registry the handle is registered with through this guard, or null */
    protected final Registry registry() {
        return registry;
    }

    /**
     * Registers the handle as {@link #source()}, inside the guard.
     *
     * @param r         the registry
     * @param token     the token events will carry
     * @param interests the interests
     * @param trigger   edge, level or oneshot
     * @throws IOException           from the backend, or {@link ClosedChannelException} if closed
     * @throws IllegalStateException if registered with another poll that is still open
     */
    public final void register(Registry r, Token token, Interest interests, Trigger trigger) throws IOException {
        register(r, token.value(), interests, trigger);
    }

    /**
     * Registers the handle as {@link #source()}, inside the guard, with the token as a number (nothing
     * is allocated).
     *
     * @throws IOException           from the backend, or {@link ClosedChannelException} if closed
     * @throws IllegalStateException if registered with another poll that is still open
     * @param r         the registry
     * @param token     the token events will carry, as a number (no {@code Token} is made)
     * @param interests the interests
     * @param trigger   edge, level or oneshot (for reregister, null keeps the registration's)
     */
    public final void register(Registry r, long token, Interest interests, Trigger trigger) throws IOException {
        acquire();
        try {
            Registry current = registry;
            if (current != null && !current.isSamePoll(r) && !current.isPollClosed()) {
                throw new IllegalStateException(describe() + " is registered with another Poll (" + current.backendName()
                        + "); deregister it there first: two polls would race to read it");
            }
            Owner queue = owner;
            if (queue != null) {
                if ((int) CLAIMS.getAcquire(this) > 0) {
                    throw new IllegalStateException(describe() + " has operations in flight on a completion queue ("
                            + queue + "); reap them first: readiness events and completion operations would race on its bytes");
                }
                OWNER.compareAndSet(this, queue, (Owner) null); // its next claim takes the slow path, which checks polls
            }
            source().register(r, token, interests, trigger);
            remember(r);
        } finally {
            release();
        }
    }

    /**
     * Reregisters the handle, inside the guard.
     *
     * @param r         the registry
     * @param token     the token events will carry
     * @param interests the interests
     * @param trigger   edge, level or oneshot
     * @throws IOException from the backend, or {@link ClosedChannelException} if closed
     */
    public final void reregister(Registry r, Token token, Interest interests, Trigger trigger) throws IOException {
        reregister(r, token.value(), interests, trigger);
    }

    /**
     * Reregisters the handle, inside the guard, with the token as a number (nothing is allocated); a
     * null {@code trigger} keeps the registration's trigger mode.
     *
     * @throws IOException from the backend, or {@link ClosedChannelException} if closed
     * @param r         the registry
     * @param token     the token events will carry, as a number (no {@code Token} is made)
     * @param interests the interests
     * @param trigger   edge, level or oneshot (for reregister, null keeps the registration's)
     */
    public final void reregister(Registry r, long token, Interest interests, Trigger trigger) throws IOException {
        acquire();
        try {
            source().reregister(r, token, interests, trigger);
            remember(r);
        } finally {
            release();
        }
    }

    private void remember(Registry r) {
        if (registry != r) {
            registry = r;
        }
    }

    /**
     * Deregisters the handle, inside the guard.
     *
     * @param r the registry the handle is registered with
     * @throws IOException from the backend, or {@link ClosedChannelException} if closed
     */
    public final void deregister(Registry r) throws IOException {
        acquire();
        try {
            source().deregister(r);
            Registry current = registry;
            if (current != null && current.isSamePoll(r)) {
                REGISTRY.compareAndSet(this, current, (Registry) null);
            }
        } finally {
            release();
        }
    }

    /**
     * Forgets the registration without telling the poll (it is gone already: its poll closed, or it
     * was removed by other means).
     */
    protected final void forgetRegistration() {
        registry = null;
    }

    /**
     * Closes: the first call marks the handle closed, tells the completion queue that owns it (which
     * cancels its operations in flight at its next turn), deregisters it and drops the owner's
     * reference; if no operation is in flight the handle is closed before this returns, else by
     * the last operation to leave. Later calls do nothing.
     *
     * @throws IOException from the close call, or from the deregistration (the handle is closed, or
     *                     will be, either way)
     */
    public final void close() throws IOException {
        long s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!STATE.weakCompareAndSet(this, s, s | CLOSED));
        IOException failure = tellOwner();
        IOException deregistered = deregisterQuietly(); // the owner's reference keeps the handle open for this
        if (failure == null) {
            failure = deregistered;
        } else if (deregistered != null) {
            failure.addSuppressed(deregistered);
        }
        try {
            release();
        } catch (IOException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Gives the handle up without closing it (hand-back): marks it closed, so that operations starting
     * afterwards fail with {@link ClosedChannelException}; deregisters it from the poll it is registered
     * with through this guard (the caller owns any registration it makes from then on); waits until the
     * operations in flight have left (each is one non-blocking system call; operations of a completion
     * queue leave once the queue, told as by {@link #close()}, has reaped their cancellation: never
     * detach on that queue's own thread while it has operations in flight); and returns the handle,
     * which the caller now owns and must close.
     *
     * @return the handle
     * @throws ClosedChannelException if closed or detached already
     * @throws IOException            if the deregistration failed; the handle, named in the message, is
     *                                the caller's all the same
     */
    public final long detach() throws IOException {
        long s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw new UseAfterClose(describe());
            }
        } while (!STATE.weakCompareAndSet(this, s, s | CLOSED | DETACHED));
        IOException failure = tellOwner(); // its operations in flight must end before the wait below can
        IOException deregistered = deregisterQuietly();
        if (failure == null) {
            failure = deregistered;
        }
        STATE.getAndAdd(this, -1L); // the owner's reference; DETACHED keeps release() from closing
        while ((state & COUNT) != 0) {
            Thread.onSpinWait();
        }
        IOException late = deregisterQuietly(); // a registration an operation in flight made meanwhile
        if (failure == null) {
            failure = late;
        }
        if (failure != null) {
            IOException e = new IOException(describe() + " was handed back, but could not be deregistered: "
                    + failure.getMessage(), failure);
            throw e;
        }
        return handle;
    }

    /** Tells the completion queue that owns the handle (if any) that it is closed; returns its failure. */
    private IOException tellOwner() {
        Owner q = owner; // ordered after an operation's claim by the state's compare-and-sets (see claim)
        if (q == null || (int) CLAIMS.getAcquire(this) == 0) {
            return null; // nothing in flight, and nothing can start now: no cancel, no wake-up
        }
        try {
            q.closed(this);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** The last one out: removes a registration that raced close, then closes the handle. */
    private void closeNow() throws IOException {
        IOException failure = deregisterQuietly();
        try {
            closeHandle(handle);
        } catch (IOException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Deregisters from the remembered registry, once; returns a real failure instead of throwing it. */
    private IOException deregisterQuietly() {
        Registry r = (Registry) REGISTRY.getAndSet(this, (Registry) null);
        if (r == null) {
            return null;
        }
        try {
            source().deregister(r);
            return null;
        } catch (ClosedPollException e) {
            return null; // the poll is closed: it holds nothing of this handle any more
        } catch (IOException e) {
            return e instanceof SyscallFailure && "ENOENT".equals(((SyscallFailure) e).errnoName()) ? null : e;
        }
    }

    /** @return the raw source the handle registers as ({@code SourceFd} or {@code SourceSocket}) */
    protected abstract Source source();

    /**
     * Releases the handle to the kernel: called exactly once, when the last reference is dropped.
     *
     * @param handle the handle
     * @throws IOException from the close call (never retried)
     */
    protected abstract void closeHandle(long handle) throws IOException;

    /** @return the handle in words, for messages, e.g. {@code fd 7} */
    protected abstract String describe();

    @Override
    public String toString() {
        return describe() + (isClosed() ? " (closed)" : "");
    }

    /** A {@link ClosedChannelException} that says what was closed (the JDK's has no message). */
    private static final class UseAfterClose extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String what;

        UseAfterClose(String what) {
            this.what = what;
        }

        @Override
        public String getMessage() {
            return "used after close(): this socket or pipe end (formerly " + what + ") is closed";
        }
    }
}
