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
     * @param trigger   the new trigger mode
     * @throws IOException if the kernel refuses, e.g. because the source is not registered
     */
    void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException;

    /**
     * Removes this source; called by {@link Registry#deregister(Source)}.
     *
     * @param registry the registry it was registered with
     * @throws IOException if the kernel refuses, e.g. because the source is not registered
     */
    void deregister(Registry registry) throws IOException;
}
