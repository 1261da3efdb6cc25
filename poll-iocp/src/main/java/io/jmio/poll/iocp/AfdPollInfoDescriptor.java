package io.jmio.poll.iocp;

/**
 * The layout of {@code AFD_POLL_INFO} with one {@code AFD_POLL_HANDLE_INFO}, the input and output
 * buffer of {@code IOCTL_AFD_POLL}, on 64-bit Windows. These structures are not in the Windows SDK;
 * they come from the driver's interface as ReactOS and wepoll document it.
 *
 * <pre>
 * typedef struct _AFD_POLL_HANDLE_INFO {        offset  size (within the element)
 *     HANDLE   Handle;                               0     8   the base socket
 *     ULONG    Events;                               8     4   in: AFD_POLL_* wanted; out: ready
 *     NTSTATUS Status;                              12     4   out: per-socket status
 * } AFD_POLL_HANDLE_INFO;                      size 16
 *
 * typedef struct _AFD_POLL_INFO {               offset  size
 *     LARGE_INTEGER Timeout;                         0     8   INT64_MAX: no timeout
 *     ULONG         NumberOfHandles;                 8     4   in: 1; out: handles reported (0 or 1)
 *     ULONG         Exclusive;                      12     4   0
 *     AFD_POLL_HANDLE_INFO Handles[1];              16    16
 * } AFD_POLL_INFO;                             size 32
 * </pre>
 *
 * <p>With one handle the whole structure is 16 + 16 = 32 bytes: the handle element is 8 + 4 + 4 with
 * no padding, and the header's two {@code ULONG}s fill the 8 bytes after {@code Timeout}.
 *
 * <p>Threading: constants only.
 */
final class AfdPollInfoDescriptor {
    /** {@code sizeof(AFD_POLL_INFO)} with one handle element. */
    static final int SIZE = 32;
    /** Offset of {@code Timeout}. */
    static final int TIMEOUT_OFFSET = 0;
    /** Offset of {@code NumberOfHandles}. */
    static final int NUMBER_OF_HANDLES_OFFSET = 8;
    /** Offset of {@code Exclusive}. */
    static final int EXCLUSIVE_OFFSET = 12;
    /** Offset of {@code Handles[0]}. */
    static final int HANDLES_OFFSET = 16;
    /** {@code sizeof(AFD_POLL_HANDLE_INFO)}. */
    static final int HANDLE_INFO_SIZE = 16;
    /** Offset of {@code Handles[0].Handle}. */
    static final int HANDLE_OFFSET = HANDLES_OFFSET;
    /** Offset of {@code Handles[0].Events}. */
    static final int EVENTS_OFFSET = HANDLES_OFFSET + 8;
    /** Offset of {@code Handles[0].Status}. */
    static final int STATUS_OFFSET = HANDLES_OFFSET + 12;
    /** {@code Timeout} meaning "never time out" ({@code INT64_MAX}). */
    static final long NO_TIMEOUT = Long.MAX_VALUE;

    private AfdPollInfoDescriptor() {
    }
}
