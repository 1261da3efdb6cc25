package io.jmio.poll;

import io.jmio.poll.spi.EventBuffer;

/**
 * One readiness event, a view into the native event array of an {@link Events}: reading it allocates
 * nothing and copies nothing.
 *
 * <p>The object is a flyweight that {@link Events} moves from slot to slot; it is valid until the next
 * {@link Poll#poll} with the same {@code Events} or the next iteration. Copy what you need (the
 * {@link #token()}, the flags) rather than keeping the {@code Event}.
 *
 * <p>What each flag means per OS, following mio's table (the backend decodes; a flag is a hint, and an
 * operation on the source is the final word, so be ready for spurious events):
 * <table>
 *   <caption>Event flags per backend</caption>
 *   <tr><th>method</th><th>epoll (Linux)</th><th>kqueue (macOS, BSD)</th><th>IOCP (Windows, AFD)</th></tr>
 *   <tr><td>{@link #isReadable()}</td><td>{@code EPOLLIN} or {@code EPOLLPRI}</td><td>{@code EVFILT_READ}, {@code EVFILT_USER}</td><td>{@code AFD_POLL_RECEIVE}, {@code _ACCEPT}, {@code _DISCONNECT}</td></tr>
 *   <tr><td>{@link #isWritable()}</td><td>{@code EPOLLOUT}</td><td>{@code EVFILT_WRITE}</td><td>{@code AFD_POLL_SEND}, {@code _CONNECT}</td></tr>
 *   <tr><td>{@link #isError()}</td><td>{@code EPOLLERR}</td><td>{@code EV_ERROR}, or {@code EV_EOF} with a non-zero {@code fflags}</td><td>{@code AFD_POLL_CONNECT_FAIL}, {@code _ABORT}</td></tr>
 *   <tr><td>{@link #isReadClosed()}</td><td>{@code EPOLLHUP}, or {@code EPOLLIN} with {@code EPOLLRDHUP}</td><td>{@code EV_EOF} on {@code EVFILT_READ}</td><td>{@code AFD_POLL_DISCONNECT}, {@code _ABORT}</td></tr>
 *   <tr><td>{@link #isWriteClosed()}</td><td>{@code EPOLLHUP}, or {@code EPOLLOUT} with {@code EPOLLERR}, or only {@code EPOLLERR}</td><td>{@code EV_EOF} on {@code EVFILT_WRITE}</td><td>{@code AFD_POLL_ABORT}, {@code _CONNECT_FAIL}</td></tr>
 *   <tr><td>{@link #isPriority()}</td><td>{@code EPOLLPRI}</td><td>never</td><td>never</td></tr>
 *   <tr><td>{@link #isAio()}</td><td>never</td><td>{@code EVFILT_AIO}</td><td>never</td></tr>
 *   <tr><td>{@link #isLio()}</td><td>never</td><td>{@code EVFILT_LIO} (FreeBSD)</td><td>never</td></tr>
 * </table>
 *
 * <p>Threading: confined to the thread that polls, like the {@link Events} it belongs to.
 */
public final class Event {
    private EventBuffer buffer;
    private int index;

    Event() {
    }

    Event at(EventBuffer buffer, int index) {
        this.buffer = buffer;
        this.index = index;
        return this;
    }

    /** @return the value of the {@link Token} the source was registered with */
    public long token() {
        return buffer.token(index);
    }

    /** @return true if the source is readable (see the table above) */
    public boolean isReadable() {
        return buffer.isReadable(index);
    }

    /** @return true if the source is writable */
    public boolean isWritable() {
        return buffer.isWritable(index);
    }

    /** @return true if the source reported an error; the next operation on it will say which */
    public boolean isError() {
        return buffer.isError(index);
    }

    /** @return true if the read half is closed: the peer shut down writing or the pipe's writer closed */
    public boolean isReadClosed() {
        return buffer.isReadClosed(index);
    }

    /** @return true if the write half is closed: the peer shut down reading or reset */
    public boolean isWriteClosed() {
        return buffer.isWriteClosed(index);
    }

    /** @return true if priority (out-of-band) data is ready; epoll only */
    public boolean isPriority() {
        return buffer.isPriority(index);
    }

    /** @return true if an AIO operation completed; kqueue only */
    public boolean isAio() {
        return buffer.isAio(index);
    }

    /** @return true if a list I/O operation completed; kqueue on FreeBSD only */
    public boolean isLio() {
        return buffer.isLio(index);
    }

    @Override
    public String toString() {
        return "Event(token=" + token() + (isReadable() ? ", readable" : "") + (isWritable() ? ", writable" : "")
                + (isError() ? ", error" : "") + (isReadClosed() ? ", read-closed" : "")
                + (isWriteClosed() ? ", write-closed" : "") + (isPriority() ? ", priority" : "")
                + (isAio() ? ", aio" : "") + (isLio() ? ", lio" : "") + ", raw=" + buffer.describe(index) + ")";
    }
}
