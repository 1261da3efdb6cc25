package io.jmio.poll.epoll;

import io.jmio.poll.SyscallException;
import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * Benchmark-only access to the layers under {@link io.jmio.poll.Poll#poll} on epoll, to see where a
 * poll's time goes: the bare jnr-ffi call, the {@link EpollNative} facade (result check), the
 * {@link Selector} template (life-cycle guard, wake flag), then {@code Poll} itself. Compiled into the
 * backend's package in the benchmarks jar only; the backend does not ship it.
 *
 * <p>Threading: one instance per benchmark thread.
 */
public final class EpollLayers implements AutoCloseable {
    private final EpollSelector selector;
    private final EpollEventArray events;
    private final int epfd;
    private final long address;

    /**
     * Opens an epoll selector and a 64-slot event array.
     *
     * @throws IOException if epoll cannot be opened
     */
    public EpollLayers() throws IOException {
        this.selector = (EpollSelector) new EpollBackend().openSelector();
        this.events = (EpollEventArray) selector.newEventBuffer(64);
        this.epfd = selector.epollFd();
        this.address = events.address;
    }

    /** @return the selector, for {@link Selector#select} and registrations */
    public Selector selector() {
        return selector;
    }

    /** @return the event buffer the selector fills */
    public EventBuffer events() {
        return events;
    }

    /** @return {@code epoll_wait(epfd, events, 64, 0)} through the jnr-ffi binding only */
    public int jnrWaitNow() {
        return EpollLibrary.LIB.epoll_wait(epfd, address, 64, 0);
    }

    /**
     * @return {@code epoll_wait} with a zero timeout through {@link EpollNative} (errno checked)
     * @throws SyscallException from the kernel
     */
    public int nativeWaitNow() throws SyscallException {
        return EpollNative.wait(epfd, address, 64, 0);
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
