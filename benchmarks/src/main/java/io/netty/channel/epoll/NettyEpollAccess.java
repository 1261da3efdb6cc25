package io.netty.channel.epoll;

import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;

/**
 * Benchmark-only access to Netty's raw epoll calls. {@link Native#epollWait(FileDescriptor,
 * EpollEventArray, FileDescriptor, int, int)} and {@code epollCtl*} are public in Netty 4.1, but the
 * {@link EpollEventArray} they fill has a package-private constructor and accessors, and the
 * millisecond {@code epollWait} that Netty's own event loop uses for a non-blocking wait is
 * package-private; this class, compiled into Netty's package in the benchmarks jar only, reaches them.
 *
 * <p>Threading: stateless; each array is confined to one thread, as in Netty.
 */
public final class NettyEpollAccess {
    private NettyEpollAccess() {
    }

    /** Loads Netty's native library or throws why not. */
    public static void ensureAvailable() {
        Epoll.ensureAvailability();
    }

    /**
     * @param capacity slots
     * @return a new native {@code epoll_event} array
     */
    public static EpollEventArray newArray(int capacity) {
        return new EpollEventArray(capacity);
    }

    /**
     * One {@code epoll_wait} with a millisecond timeout: Netty's own call for {@code 0} (non-blocking)
     * and {@code -1} (forever).
     *
     * @param epfd    the epoll descriptor
     * @param events  where the kernel puts the events
     * @param timeout milliseconds, 0 or -1
     * @return how many events
     * @throws IOException from the kernel
     */
    public static int epollWait(FileDescriptor epfd, EpollEventArray events, int timeout) throws IOException {
        return Native.epollWait(epfd, events, timeout);
    }

    /**
     * @param events an array filled by {@link #epollWait}
     * @param i      a slot
     * @return the slot's {@code data.fd}
     */
    public static int fd(EpollEventArray events, int i) {
        return events.fd(i);
    }

    /**
     * @param events an array filled by {@link #epollWait}
     * @param i      a slot
     * @return the slot's event flags
     */
    public static int events(EpollEventArray events, int i) {
        return events.events(i);
    }

    /** @param events an array to free */
    public static void free(EpollEventArray events) {
        events.free();
    }
}
