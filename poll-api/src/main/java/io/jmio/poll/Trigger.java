package io.jmio.poll;

/**
 * How a registration reports readiness: the trigger mode.
 *
 * <table>
 *   <caption>Trigger modes and their kernel flags</caption>
 *   <tr><th>mode</th><th>what the caller sees</th><th>epoll</th><th>kqueue</th><th>IOCP (AFD)</th></tr>
 *   <tr><td>{@link #EDGE} (default)</td><td>one event per change to "ready"; drain the source until it
 *       would block before expecting another</td><td>{@code EPOLLET}</td><td>{@code EV_CLEAR}</td>
 *       <td>re-armed when jmio's own I/O hits would-block</td></tr>
 *   <tr><td>{@link #LEVEL}</td><td>an event on every poll while the source stays ready</td>
 *       <td>(no flag)</td><td>(no flag)</td><td>re-armed at once</td></tr>
 *   <tr><td>{@link #ONESHOT}</td><td>one event, then none until the source is reregistered</td>
 *       <td>{@code EPOLLONESHOT}</td><td>{@code EV_ONESHOT} / {@code EV_DISPATCH}</td><td>not re-armed</td></tr>
 * </table>
 *
 * <p>Threading: an immutable enum, safe to share between threads.
 */
public enum Trigger {
    /** Edge-triggered: report a transition to ready once (mio's semantics, and jmio's default). */
    EDGE,
    /** Level-triggered: report readiness on every poll for as long as it lasts. */
    LEVEL,
    /** Oneshot: report once, then disable the registration until it is reregistered. */
    ONESHOT
}
