package io.jmio.poll.iocp;

/**
 * The layout of {@code OVERLAPPED_ENTRY}, one dequeued completion packet as
 * {@code GetQueuedCompletionStatusEx} stores it, on 64-bit Windows.
 *
 * <pre>
 * typedef struct _OVERLAPPED_ENTRY {            offset  size
 *     ULONG_PTR    lpCompletionKey;                  0     8   the key the handle was associated with
 *     LPOVERLAPPED lpOverlapped;                     8     8   the request's APC context / OVERLAPPED
 *     ULONG_PTR    Internal;                        16     8   reserved
 *     DWORD        dwNumberOfBytesTransferred;      24     4   the IO_STATUS_BLOCK's Information
 *                                                   28     4   (padding to 8)
 * } OVERLAPPED_ENTRY;                          size 32
 * </pre>
 *
 * <p>For an AFD poll the key is {@link IocpSelector#AFD_KEY} and {@code lpOverlapped} the APC context
 * this backend passed to {@code NtDeviceIoControlFile} (a slot reference, see {@link SocketTable});
 * for a posted packet both are what {@code PostQueuedCompletionStatus} was given.
 *
 * <p>Threading: constants only.
 */
final class OverlappedEntryDescriptor {
    /** {@code sizeof(OVERLAPPED_ENTRY)} on 64-bit Windows. */
    static final int SIZE = 32;
    /** Offset of {@code lpCompletionKey}. */
    static final int COMPLETION_KEY_OFFSET = 0;
    /** Offset of {@code lpOverlapped}. */
    static final int OVERLAPPED_OFFSET = 8;
    /** Offset of {@code Internal}. */
    static final int INTERNAL_OFFSET = 16;
    /** Offset of {@code dwNumberOfBytesTransferred}. */
    static final int BYTES_TRANSFERRED_OFFSET = 24;

    private OverlappedEntryDescriptor() {
    }
}
