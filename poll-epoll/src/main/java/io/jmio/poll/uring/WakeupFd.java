package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The selector's eventfd, which a multishot poll request in the ring watches: written to wake the
 * owner from {@code io_uring_enter} for the {@link io.jmio.poll.Waker}, for a registry change made by
 * another thread while it sleeps, and for close. Its counter is never read on the hot path: each
 * write is a wake-up of the file, which the multishot request turns into a completion. Only a wake
 * of the {@code Waker} sets {@link #takeWake()}, so the owner reports the waker's event for those
 * and for no other.
 *
 * <p>Threading: thread-safe.
 */
final class WakeupFd {
    final int fd;
    private final AtomicInteger wakeRequested = new AtomicInteger();
    /** Eight bytes holding 1, written to the eventfd; never modified. */
    private final ByteBuffer one = NativeMemory.allocate(8).putLong(0, 1L);
    private final long oneAddress = NativeMemory.address(one);
    /** Where a reset reads the counter: a field, so the buffer stays reachable during the read. */
    private final ByteBuffer counter = NativeMemory.allocate(8);
    private final long counterAddress = NativeMemory.address(counter);

    WakeupFd() throws SyscallException {
        this.fd = UringNative.eventfd();
    }

    /** Wakes the owner for the waker. */
    void wake() throws SyscallException {
        wakeRequested.set(1);
        write();
    }

    /** Wakes the owner for any other reason. */
    void write() throws SyscallException {
        if (Posix.write(fd, oneAddress, 8) == Posix.WOULD_BLOCK) {
            // The counter is at its maximum (2^64 - 2 unread writes): reset it and write again.
            Posix.read(fd, counterAddress, 8);
            Posix.write(fd, oneAddress, 8);
        }
    }

    /** @return true once per {@link #wake()}: the completion the owner reaps is the waker's event */
    boolean takeWake() {
        return wakeRequested.get() != 0 && wakeRequested.getAndSet(0) != 0;
    }

    /** Forgets a wake of an earlier waker. */
    void reset() {
        wakeRequested.set(0);
    }

    void close() throws SyscallException {
        Posix.close(fd);
    }
}
