package io.jmio.poll.iocp;

import java.io.IOException;

/**
 * The operating-system calls {@link IocpSelector} makes, one method per kernel operation: the seam
 * between the selector's bookkeeping and Windows. {@link IocpNative} implements it over kernel32,
 * ntdll and ws2_32; the tests implement it over Linux descriptors, to run the selector where Windows
 * is not (see {@code IOCP_EMULATION.md} in the test sources).
 *
 * <p>Each method stands for the named Windows call and keeps its contract: the memory passed by
 * address ({@code IO_STATUS_BLOCK}, {@code AFD_POLL_INFO}, {@code OVERLAPPED_ENTRY} array) is written
 * by "the kernel" when the call says so, and a request started by {@link #afdPoll} completes exactly
 * once, by a completion packet carrying its APC context.
 *
 * <p>Threading: implementations are thread-safe; {@link #getQueuedCompletionStatusEx} may block in
 * one thread while others call the rest.
 */
interface IocpSystem {
    /**
     * {@code CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, concurrency)}.
     *
     * @param concurrency how many threads associated with the port may run at once before the port
     *                    holds back further waiters; 0 is one per processor
     * @return a new completion port
     */
    long createPort(int concurrency) throws IOException;

    /**
     * {@code GetQueuedCompletionStatusEx(port, entries, count, &removed, timeout, FALSE)}.
     *
     * @param port           the port
     * @param entries        address of {@code count} {@code OVERLAPPED_ENTRY}s
     * @param count          how many entries there is room for
     * @param removedAddress address of a {@code ULONG} the call may use
     * @param timeoutMillis  milliseconds; -1 is {@code INFINITE}
     * @return the number of entries filled, 0 on timeout
     */
    int getQueuedCompletionStatusEx(long port, long entries, int count, long removedAddress, int timeoutMillis) throws IOException;

    /** {@code PostQueuedCompletionStatus(port, bytes, key, overlapped)}. */
    void postQueuedCompletionStatus(long port, int bytes, long key, long overlapped) throws IOException;

    /**
     * Opens a handle on the AFD driver ({@code NtCreateFile} on {@code \Device\Afd\jmio}) and associates
     * it with {@code port} under {@code key}.
     *
     * @return the AFD handle
     */
    long openAfd(long port, long key) throws IOException;

    /**
     * Starts {@code IOCTL_AFD_POLL} ({@code NtDeviceIoControlFile}) with {@code pollInfo} as both input
     * and output buffer. Whatever it returns on success, one completion packet with {@code apcContext}
     * follows.
     *
     * @return {@code STATUS_PENDING} or {@code STATUS_SUCCESS}
     * @throws IOException for any failing status (then no packet follows)
     */
    int afdPoll(long afd, long apcContext, long ioStatusBlock, long pollInfo) throws IOException;

    /**
     * Cancels the request of {@code ioStatusBlock} ({@code NtCancelIoFileEx}).
     *
     * @return true if a cancellation was requested (a {@code STATUS_CANCELLED} packet, or the result it
     *         raced with, follows); false ({@code STATUS_NOT_FOUND}) if the request had already completed
     *         and its packet is queued
     */
    boolean afdCancel(long afd, long ioStatusBlock) throws IOException;

    /** @return the base provider socket under {@code socket} ({@code WSAIoctl(SIO_BASE_HANDLE)}) */
    long baseSocket(long socket) throws IOException;

    /** {@code CloseHandle}. */
    void closeHandle(long handle) throws IOException;

    /** @return true if handles are Unix file descriptors (the test emulation), false on Windows */
    boolean handlesAreFileDescriptors();
}
