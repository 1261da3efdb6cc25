package io.jmio.poll.epoll;

import static io.jmio.poll.epoll.EpollNative.EPOLLET;
import static io.jmio.poll.epoll.EpollNative.EPOLLIN;
import static io.jmio.poll.epoll.EpollNative.EPOLLONESHOT;
import static io.jmio.poll.epoll.EpollNative.EPOLLOUT;
import static io.jmio.poll.epoll.EpollNative.EPOLLPRI;
import static io.jmio.poll.epoll.EpollNative.EPOLLRDHUP;
import static io.jmio.poll.epoll.EpollNative.EPOLL_CTL_ADD;
import static io.jmio.poll.epoll.EpollNative.EPOLL_CTL_DEL;
import static io.jmio.poll.epoll.EpollNative.EPOLL_CTL_MOD;

import io.jmio.poll.Interest;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import jnr.ffi.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An epoll instance and its eventfd, as mio's {@code sys::unix::selector::epoll}.
 *
 * <p>Every selector owns one eventfd, registered edge-triggered: it is the {@link io.jmio.poll.Waker}'s
 * kernel side once a waker is installed (its {@code data} then holds the waker's token), and it is how
 * {@link #implInterrupt()} wakes a thread blocked in {@code epoll_wait} when another thread closes the
 * poll. The eventfd counter is never read on the hot path: with {@code EPOLLET} each {@code write}
 * queues one event (or none if one is already queued, which is how wakes coalesce).
 *
 * <p>Threading: registration calls are thread-safe ({@code epoll_ctl} is); {@code select} is called
 * by one thread at a time. The life cycle is guarded by {@link Selector}.
 */
final class EpollSelector extends Selector {
    /**
     * The eventfd's {@code data} until a waker is installed. While there is no waker only a close
     * fires the eventfd, and a poll that a close woke throws instead of returning its events.
     */
    private static final long NO_WAKER = -1L;

    private final int epfd;
    private final int eventfd;
    /** Eight bytes holding the value 1, written to the eventfd to wake; never modified. */
    private final ByteBuffer one = NativeMemory.allocate(8).putLong(0, 1L);
    private final long oneAddress = NativeMemory.address(one);
    /** The timeout of {@code epoll_pwait2}, written by the polling thread before each such wait. */
    private final ByteBuffer timespec = NativeMemory.allocate(TimespecDescriptor.SIZE);
    private final Pointer timespecPointer = EpollNative.timespecPointer(timespec);
    /** The trigger of each registration, which epoll cannot report back (three-argument reregister). */
    private final TriggerTable triggers = new TriggerTable();

    EpollSelector() throws IOException {
        int ep = EpollNative.epollCreate();
        int efd = -1;
        try {
            efd = EpollNative.eventfd();
            EpollNative.ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, NO_WAKER);
        } catch (IOException | RuntimeException e) {
            if (efd >= 0) {
                Posix.closeQuietly(efd, e);
            }
            Posix.closeQuietly(ep, e);
            throw e;
        }
        this.epfd = ep;
        this.eventfd = efd;
    }

    @Override
    public String backendName() {
        return "epoll";
    }

    /** @return the epoll descriptor, for diagnostics and tests */
    int epollFd() {
        return epfd;
    }

    static int toEpoll(int interests, Trigger trigger) {
        if ((interests & (Interest.AIO_BIT | Interest.LIO_BIT)) != 0) {
            throw new UnsupportedOperationException("the epoll backend does not support " + Interest.ofBits(interests)
                    + ": AIO and LIO are kqueue interests");
        }
        int events = 0;
        if ((interests & Interest.READABLE_BIT) != 0) {
            events |= EPOLLIN | EPOLLRDHUP;
        }
        if ((interests & Interest.WRITABLE_BIT) != 0) {
            events |= EPOLLOUT;
        }
        if ((interests & Interest.PRIORITY_BIT) != 0) {
            events |= EPOLLPRI;
        }
        switch (trigger) {
            case EDGE:
                return events | EPOLLET;
            case ONESHOT:
                return events | EPOLLONESHOT;
            default:
                return events;
        }
    }

    @Override
    protected void implRegister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        EpollNative.ctl(epfd, EPOLL_CTL_ADD, fd, toEpoll(interests, trigger), token);
        triggers.put(fd, trigger);
    }

    @Override
    protected void implReregister(long handle, long token, int interests, Trigger trigger) throws IOException {
        int fd = fd(handle);
        Trigger mode = trigger != null ? trigger : triggers.get(fd);
        EpollNative.ctl(epfd, EPOLL_CTL_MOD, fd, toEpoll(interests, mode), token);
        if (trigger != null) {
            triggers.put(fd, trigger);
        }
    }

    @Override
    protected void implDeregister(long handle) throws IOException {
        int fd = fd(handle);
        EpollNative.ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0);
        triggers.remove(fd);
    }

    private int fd(long handle) {
        if (handle == eventfd || handle == epfd) {
            throw new IllegalArgumentException("fd " + handle + " belongs to this Poll itself");
        }
        return (int) handle;
    }

    @Override
    protected int implSelect(EventBuffer events, long timeoutNanos) throws IOException {
        EpollEventArray array = (EpollEventArray) events;
        if (timeoutNanos > 0 && timeoutNanos % 1_000_000L != 0 && EpollNative.pwait2Usable()) {
            // A timeout with a fraction of a millisecond: epoll_pwait2 takes nanoseconds (Linux 5.11+).
            int n = EpollNative.pwait2(epfd, array.address, array.capacity(), timeoutNanos, timespec, timespecPointer);
            if (n != EpollNative.UNSUPPORTED) {
                return n;
            }
        }
        return EpollNative.wait(epfd, array.address, array.capacity(), toMillis(timeoutNanos));
    }

    /** Milliseconds for {@code epoll_wait}: -1 forever, sub-millisecond waits rounded up (no epoll_pwait2). */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return millis > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) millis;
    }

    @Override
    protected void implInstallWaker(long token) throws IOException {
        drainEventfd();
        EpollNative.ctl(epfd, EPOLL_CTL_MOD, eventfd, EPOLLIN | EPOLLET, token);
    }

    private void drainEventfd() throws SyscallException {
        ByteBuffer counter = NativeMemory.allocate(8);
        try {
            Posix.read(eventfd, NativeMemory.address(counter), 8);
        } finally {
            java.lang.ref.Reference.reachabilityFence(counter); // the kernel writes into it during read(2) (D5)
        }
    }

    @Override
    protected void implWake() throws IOException {
        if (Posix.write(eventfd, oneAddress, 8) == Posix.WOULD_BLOCK) {
            // The counter is at its maximum (2^64 - 2 unread wakes): reset it and wake again.
            drainEventfd();
            Posix.write(eventfd, oneAddress, 8);
        }
    }

    @Override
    protected void implInterrupt() {
        try {
            implWake();
        } catch (IOException e) {
            // The eventfd is ours and open; a failing write would be a kernel bug. Nothing to wake.
            throw new IllegalStateException("cannot interrupt epoll_wait on close", e);
        }
    }

    @Override
    protected void implClose() throws IOException {
        SyscallException first = null;
        try {
            Posix.close(eventfd);
        } catch (SyscallException e) {
            first = e;
        }
        try {
            Posix.close(epfd);
        } catch (SyscallException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public EventBuffer newEventBuffer(int capacity) {
        return new EpollEventArray(capacity);
    }

    @Override
    public boolean owns(EventBuffer buffer) {
        return buffer instanceof EpollEventArray;
    }

    @Override
    public String toString() {
        return "EpollSelector(epfd=" + epfd + ", eventfd=" + eventfd + (isClosed() ? ", closed" : "") + ")";
    }
}
