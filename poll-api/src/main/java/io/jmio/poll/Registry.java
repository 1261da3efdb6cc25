package io.jmio.poll;

import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.util.Objects;

/**
 * Registers {@link Source}s with a {@link Poll}: the half of a poll that other threads may use.
 *
 * <p>{@link #register} ties a source to a {@link Token}, an {@link Interest} and a {@link Trigger}
 * mode (edge-triggered unless asked otherwise). {@link #reregister} replaces all three at once, as if
 * the source were registered afresh. {@link #deregister} stops its events: once it returns, no later
 * {@link Poll#poll} reports the source, even if data arrives.
 *
 * <pre>{@code
 * Registry registry = poll.registry();
 * registry.register(source, Token.of(7), Interest.READABLE);                  // edge-triggered
 * registry.reregister(source, Token.of(8), Interest.WRITABLE, Trigger.LEVEL); // all replaced
 * registry.deregister(source);
 * }</pre>
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
     * Replaces the token and interest of a registered source, edge-triggered.
     *
     * @param source    a registered source
     * @param token     the new token
     * @param interests the new interest
     * @throws IOException if the kernel refuses, e.g. {@code ENOENT} when not registered
     */
    public void reregister(Source source, Token token, Interest interests) throws IOException {
        reregister(source, token, interests, Trigger.EDGE);
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

    /** @return the name of the backend, e.g. {@code epoll} */
    public String backendName() {
        return selector.backendName();
    }

    Selector selector() {
        return selector;
    }

    private static void check(Source source, Token token, Interest interests, Trigger trigger) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(interests, "interests");
        Objects.requireNonNull(trigger, "trigger");
    }

    @Override
    public String toString() {
        return "Registry(" + selector + ")";
    }
}
