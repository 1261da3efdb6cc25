package io.jmio.poll.kqueue;

import io.jmio.poll.SyscallException;

/**
 * The system calls {@link KqueueSelector} makes, behind one small interface: {@link KqueueNative}
 * implements it over the real kernel, and the tests swap in an emulation of the kqueue contract over
 * Linux's epoll, so the selector's logic runs on a machine without kqueue.
 *
 * <p>{@link #kevent} reports failure as a negative errno rather than an exception, so that the
 * selector, which knows what each change meant, turns it into one (through {@link KqueueErrors}).
 *
 * <p>Threading: implementations are thread-safe, as the system calls are.
 */
interface KqueueSystem {
    /** @return the layout and constants this system's {@code kevent} uses */
    KqueueAbi abi();

    /**
     * @return a new kqueue descriptor, close-on-exec
     * @throws SyscallException if the kernel refuses
     */
    int kqueue() throws SyscallException;

    /**
     * {@code kevent(2)}.
     *
     * @param kq         the kqueue
     * @param changes    address of {@code nchanges} {@code struct kevent}, or 0
     * @param nchanges   number of changes
     * @param events     address of room for {@code nevents} {@code struct kevent}, or 0
     * @param nevents    room in {@code events}
     * @param timeout    a {@code struct timespec}, or null to wait forever (a {@link jnr.ffi.Pointer}, not a raw
     *                   address: see {@link KqueueLibrary} for the jnr-ffi defect this avoids)
     * @return the number of entries placed in {@code events}, or a negative errno
     */
    int kevent(int kq, long changes, int nchanges, long events, int nevents, jnr.ffi.Pointer timeout);

    /** @param fd a descriptor to close (never retried on {@code EINTR}) @throws SyscallException on error */
    void close(int fd) throws SyscallException;

    /** @return a non-blocking, close-on-exec pipe {read, write} @throws SyscallException on error */
    int[] pipe() throws SyscallException;

    /** {@code read(2)}; @return bytes read, 0 at end, or {@link io.jmio.poll.posix.Posix#WOULD_BLOCK} */
    long read(int fd, long address, long length) throws SyscallException;

    /** {@code write(2)}; @return bytes written or {@link io.jmio.poll.posix.Posix#WOULD_BLOCK} */
    long write(int fd, long address, long length) throws SyscallException;
}
