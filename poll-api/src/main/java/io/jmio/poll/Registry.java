package io.jmio.poll;

import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.util.Objects;

/**
 * Registers {@link Source}s with a {@link Poll}: the half of a poll that other threads may use.
 *
 * <p>{@link #register} ties a source to a {@link Token}, an {@link Interest} and a {@link Trigger}
 * mode (edge-triggered unless asked otherwise). The four-argument {@link #reregister} replaces all
 * three at once, as if the source were registered afresh; the three-argument one replaces the token
 * and interest and keeps the trigger mode. {@link #deregister} stops its events: once it returns, no
 * later {@link Poll#poll} reports the source, even if data arrives.
 *
 * <pre>{@code
 * Registry registry = poll.registry();
 * registry.register(source, Token.of(7), Interest.READABLE);                  // edge-triggered
 * registry.reregister(source, Token.of(8), Interest.WRITABLE, Trigger.LEVEL); // all replaced
 * registry.reregister(source, 9, Interest.READABLE);                          // still level-triggered
 * registry.deregister(source);
 * }</pre>
 *
 * <p><b>Tokens as numbers.</b> Every method taking a {@link Token} has an overload taking the token's
 * {@code long} value. {@link Token#of} caches 0 to 255 only, so code that registers connections under
 * larger numbers (a slab index plus an offset, say) should use the {@code long} overloads: they pass
 * the number down to the kernel's user-data field without creating a {@code Token}, and allocate
 * nothing for jmio's own sources (see {@link Source} for sources written outside jmio).
 *
 * <p>Errors: registering a source twice fails with {@code EEXIST} ("already registered");
 * reregistering or deregistering one that is not registered with {@code ENOENT} ("not registered");
 * registering a closed descriptor with {@code EBADF}; all as a {@link SyscallException}. Deregistering
 * a closed descriptor is {@code ENOENT} on every backend (see {@link #deregister}). After any of them the
 * {@link Poll} stays usable. Once the poll is closed every method throws {@link ClosedPollException}.
 *
 * <p>Threading: thread-safe. Any thread may register, reregister and deregister, also while the
 * owning thread is blocked in {@link Poll#poll}; a new registration's events are then reported by that
 * very poll. {@link #tryClone()} hands out another handle on the same poll, as mio's does.
 */
public final class Registry {
    private final Selector selector;

    Registry(Selector selector) {
        this.selector = selector;
    }

    /**
     * Registers {@code source} edge-triggered, as mio does.
     *
     * @param source    the source to register
     * @param token     the token its events will carry
     * @param interests the readiness to report
     * @throws IOException if the kernel refuses, e.g. {@code EEXIST} when already registered
     */
    public void register(Source source, Token token, Interest interests) throws IOException {
        register(source, token, interests, Trigger.EDGE);
    }

    /**
     * Registers {@code source} with the given trigger mode.
     *
     * @param source    the source to register
     * @param token     the token its events will carry
     * @param interests the readiness to report
     * @param trigger   edge, level or oneshot
     * @throws IOException if the kernel refuses, e.g. {@code EEXIST} when already registered
     */
    public void register(Source source, Token token, Interest interests, Trigger trigger) throws IOException {
        check(source, token, interests, trigger);
        source.register(this, token, interests, trigger);
    }

    /**
     * Registers {@code source} edge-triggered, with the token as a number: no {@link Token} is created.
     *
     * @param source    the source to register
     * @param token     the token value its events will carry
     * @param interests the readiness to report
     * @throws IOException if the kernel refuses, e.g. {@code EEXIST} when already registered
     */
    public void register(Source source, long token, Interest interests) throws IOException {
        register(source, token, interests, Trigger.EDGE);
    }

    /**
     * Registers {@code source} with the given trigger mode, with the token as a number: no
     * {@link Token} is created.
     *
     * @param source    the source to register
     * @param token     the token value its events will carry
     * @param interests the readiness to report
     * @param trigger   edge, level or oneshot
     * @throws IOException if the kernel refuses, e.g. {@code EEXIST} when already registered
     */
    public void register(Source source, long token, Interest interests, Trigger trigger) throws IOException {
        check(source, interests);
        Objects.requireNonNull(trigger, "trigger");
        source.register(this, token, interests, trigger);
    }

    /**
     * Replaces the token and interest of a registered source and <em>keeps its trigger mode</em>: a
     * oneshot registration stays oneshot (and is armed again), a level-triggered one stays level, an
     * edge-triggered one edge. Use {@link #reregister(Source, Token, Interest, Trigger)} to change the
     * mode.
     *
     * <p>Why it keeps the mode: this form used to mean "edge-triggered", so that re-arming a oneshot
     * registration with it silently turned it into an edge-triggered one, which then reported every
     * new edge (mio has no trigger modes, so it has no such trap). Each backend knows the mode of a
     * registration it holds without any allocation (epoll in a table indexed by descriptor, kqueue and
     * io_uring in their registration tables, IOCP in the socket's state); a source that was never registered with
     * this poll fails with {@code ENOENT}, as before.
     *
     * @param source    a registered source
     * @param token     the new token
     * @param interests the new interest
     * @throws IOException if the kernel refuses, e.g. {@code ENOENT} when not registered
     */
    public void reregister(Source source, Token token, Interest interests) throws IOException {
        check(source, interests);
        Objects.requireNonNull(token, "token");
        source.reregister(this, token, interests, null);
    }

    /**
     * Replaces the token, interest and trigger mode of a registered source; a oneshot source that
     * fired is armed again.
     *
     * @param source    a registered source
     * @param token     the new token
     * @param interests the new interest
     * @param trigger   the new trigger mode
     * @throws IOException if the kernel refuses, e.g. {@code ENOENT} when not registered
     */
    public void reregister(Source source, Token token, Interest interests, Trigger trigger) throws IOException {
        check(source, token, interests, trigger);
        source.reregister(this, token, interests, trigger);
    }

    /**
     * As {@link #reregister(Source, Token, Interest)}, keeping the trigger mode, with the token as a
     * number: no {@link Token} is created.
     *
     * @param source    a registered source
     * @param token     the new token value
     * @param interests the new interest
     * @throws IOException if the kernel refuses, e.g. {@code ENOENT} when not registered
     */
    public void reregister(Source source, long token, Interest interests) throws IOException {
        check(source, interests);
        source.reregister(this, token, interests, null);
    }

    /**
     * As {@link #reregister(Source, Token, Interest, Trigger)}, with the token as a number: no
     * {@link Token} is created.
     *
     * @param source    a registered source
     * @param token     the new token value
     * @param interests the new interest
     * @param trigger   the new trigger mode
     * @throws IOException if the kernel refuses, e.g. {@code ENOENT} when not registered
     */
    public void reregister(Source source, long token, Interest interests, Trigger trigger) throws IOException {
        check(source, interests);
        Objects.requireNonNull(trigger, "trigger");
        source.reregister(this, token, interests, trigger);
    }

    /**
     * Removes a registered source: no event for it is reported after this returns.
     *
     * @param source a registered source
     * @throws IOException if the kernel refuses: a {@link SyscallException} whose
     *         {@link SyscallException#errnoName() errnoName()} is {@code ENOENT} when the source is not
     *         registered with this poll, including when its descriptor was closed (the kernels differ
     *         there: epoll and FreeBSD answer {@code EBADF}, macOS {@code ENOENT}; every backend reports
     *         {@code ENOENT} and names the kernel's own answer in the message)
     */
    public void deregister(Source source) throws IOException {
        Objects.requireNonNull(source, "source");
        source.deregister(this);
    }

    /**
     * Returns another handle on the same poll, for another thread to keep. Every handle stops working
     * when the poll is closed.
     *
     * @return a new registry for the same poll
     * @throws ClosedPollException if the poll is closed
     */
    public Registry tryClone() {
        if (selector.isClosed()) {
            throw new ClosedPollException("cannot clone the registry of a closed Poll");
        }
        return new Registry(selector);
    }

    /**
     * @param other another registry
     * @return true if both are handles on the same poll (one is a {@link #tryClone()} of the other, or
     *         they are the same object)
     */
    public boolean isSamePoll(Registry other) {
        return other != null && other.selector == selector;
    }

    /** @return true once the poll of this registry is closed */
    public boolean isPollClosed() {
        return selector.isClosed();
    }

    /** @return the name of the backend, e.g. {@code epoll} */
    public String backendName() {
        return selector.backendName();
    }

    Selector selector() {
        return selector;
    }

    private static void check(Source source, Token token, Interest interests, Trigger trigger) {
        check(source, interests);
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(trigger, "trigger");
    }

    private static void check(Source source, Interest interests) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(interests, "interests");
    }

    @Override
    public String toString() {
        return "Registry(" + selector + ")";
    }
}
