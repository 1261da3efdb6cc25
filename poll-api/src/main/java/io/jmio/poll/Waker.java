package io.jmio.poll;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;

/**
 * Wakes a thread blocked in {@link Poll#poll} from any other thread, with a readable event carrying
 * the waker's {@link Token}: the way to hand work to an event loop.
 *
 * <p>Several wakes before the owner polls coalesce into one event; after it is reported there is no
 * further event until the next {@code wake()}. A poll may have one waker at a time (creating a second
 * one throws {@link IllegalStateException}); closing it frees the slot. On Linux the waker is an
 * {@code eventfd}, on kqueue an {@code EVFILT_USER} event, on Windows a posted completion.
 *
 * <pre>{@code
 * Waker waker = new Waker(poll.registry(), Token.of(42));
 * new Thread(() -> { queue.add(task); waker.wakeUnchecked(); }).start();
 * poll.poll(events, null);           // returns with an event whose token() is 42
 * }</pre>
 *
 * <p>A wake whose earlier wake has not yet been reported returns without a system call, as Netty's
 * event loop does; so {@code wake()} costs a system call only when the owner may be asleep.
 *
 * <p>Threading: thread-safe; {@link #wake()} may be called from any thread, concurrently.
 */
public final class Waker implements Closeable {
    private final Registry registry;
    private final Token token;
    private volatile boolean closed;

    /**
     * Creates the waker of {@code registry}'s poll.
     *
     * @param registry the registry of the poll to wake
     * @param token    the token of the waker's events
     * @throws IOException           if the backend cannot set up its wake-up mechanism
     * @throws IllegalStateException if the poll already has a waker
     * @throws ClosedPollException   if the poll is closed
     */
    public Waker(Registry registry, Token token) throws IOException {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.token = Objects.requireNonNull(token, "token");
        registry.selector().installWaker(token.value());
    }

    /**
     * Makes the owner's current or next {@link Poll#poll} return with this waker's event.
     *
     * @throws IOException           if the kernel refuses the wake-up
     * @throws IllegalStateException if this waker is closed
     * @throws ClosedPollException   if the poll is closed
     */
    public void wake() throws IOException {
        if (closed) {
            throw new IllegalStateException("wake() on a closed Waker (token " + token.value() + ")");
        }
        registry.selector().wake();
    }

    /**
     * {@link #wake()} for lambdas: rethrows an {@link IOException} as {@link java.io.UncheckedIOException}.
     */
    public void wakeUnchecked() {
        try {
            wake();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the token of this waker's events */
    public Token token() {
        return token;
    }

    /**
     * Detaches the waker from its poll, which may then get a new one. Idempotent. A wake already
     * delivered to the kernel may still be reported once.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            registry.selector().removeWaker();
        }
    }

    @Override
    public String toString() {
        return "Waker(" + token + (closed ? ", closed" : "") + ")";
    }
}
