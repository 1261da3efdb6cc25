package io.jmio.poll;

import java.io.IOException;

/**
 * Something that can be registered with a {@link Registry} to receive readiness events: a socket, a
 * pipe end, a raw descriptor wrapped in {@link SourceFd}.
 *
 * <p>Callers do not invoke these methods; they call {@link Registry#register}, which calls them. An
 * implementation delegates to the source it wraps, usually a {@link SourceFd} held in a final field:
 *
 * <pre>{@code
 * final class MyDevice implements Source {
 *     private final SourceFd fd = new SourceFd(openDevice());
 *     public void register(Registry r, Token t, Interest i, Trigger m) throws IOException { fd.register(r, t, i, m); }
 *     public void reregister(Registry r, Token t, Interest i, Trigger m) throws IOException { fd.reregister(r, t, i, m); }
 *     public void deregister(Registry r) throws IOException { fd.deregister(r); }
 * }
 * }</pre>
 *
 * <p><b>Tokens as {@code long}s.</b> {@link Registry}'s {@code long}-token overloads reach a source
 * through {@link #register(Registry, long, Interest, Trigger)} and
 * {@link #reregister(Registry, long, Interest, Trigger)}, so that a token outside {@link Token}'s cache
 * (0 to 255) is never boxed into a {@code Token}. Their default implementations do box it (one small
 * allocation per call) and call the {@code Token} methods, so a source written against the
 * {@code Token} methods alone stays correct; jmio's own sources ({@link SourceFd}, {@link SourceSocket}
 * and every socket and pipe type) override them and pass the number down to the backend untouched. A
 * source that delegates, as above, should override them too and delegate in the same way.
 *
 * <p><b>Keeping the trigger.</b> A {@code null} trigger passed to {@code reregister} (by
 * {@link Registry#reregister(Source, Token, Interest)}, the three-argument form) means "keep the trigger
 * mode the source is registered with"; a source that delegates passes it on unchanged.
 *
 * <p>Threading: implementations must be safe to call from any thread that uses the {@link Registry},
 * as {@link SourceFd} is.
 */
public interface Source {
    /**
     * Registers this source; called by {@link Registry#register(Source, Token, Interest, Trigger)}.
     *
     * @param registry  the registry to register with
     * @param token     the token events will carry
     * @param interests the readiness to report
     * @param trigger   the trigger mode
     * @throws IOException if the kernel refuses the registration
     */
    void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException;

    /**
     * Replaces this source's token, interest and trigger mode; called by {@link Registry#reregister}.
     *
     * @param registry  the registry it was registered with
     * @param token     the new token
     * @param interests the new interest
     * @param trigger   the new trigger mode, or null to keep the current one
     * @throws IOException if the kernel refuses, e.g. because the source is not registered
     */
    void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException;

    /**
     * Registers this source with a token given as a number; called by
     * {@link Registry#register(Source, long, Interest, Trigger)}. The default boxes the token with
     * {@link Token#of} and calls {@link #register(Registry, Token, Interest, Trigger)}; jmio's sources
     * override it so that nothing is allocated.
     *
     * @param registry  the registry to register with
     * @param token     the token value events will carry
     * @param interests the readiness to report
     * @param trigger   the trigger mode
     * @throws IOException if the kernel refuses the registration
     */
    default void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        register(registry, Token.of(token), interests, trigger);
    }

    /**
     * Replaces this source's token, interest and trigger mode, with the token given as a number; called
     * by {@link Registry#reregister(Source, long, Interest, Trigger)}. The default boxes the token with
     * {@link Token#of} and calls {@link #reregister(Registry, Token, Interest, Trigger)}; jmio's sources
     * override it so that nothing is allocated.
     *
     * @param registry  the registry it was registered with
     * @param token     the new token value
     * @param interests the new interest
     * @param trigger   the new trigger mode, or null to keep the current one
     * @throws IOException if the kernel refuses, e.g. because the source is not registered
     */
    default void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        reregister(registry, Token.of(token), interests, trigger);
    }

    /**
     * Removes this source; called by {@link Registry#deregister(Source)}.
     *
     * @param registry the registry it was registered with
     * @throws IOException if the kernel refuses, e.g. because the source is not registered
     */
    void deregister(Registry registry) throws IOException;
}
