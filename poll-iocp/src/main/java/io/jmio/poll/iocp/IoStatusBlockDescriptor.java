package io.jmio.poll.iocp;

/**
 * The layout of {@code IO_STATUS_BLOCK} on 64-bit Windows: where the kernel reports how a native I/O
 * request ended.
 *
 * <pre>
 * typedef struct _IO_STATUS_BLOCK {     offset  size
 *     union {
 *         NTSTATUS Status;                   0     4   STATUS_PENDING until the request completes
 *         PVOID    Pointer;                  0     8
 *     };
 *     ULONG_PTR Information;                 8     8   bytes written to the output buffer
 * } IO_STATUS_BLOCK;                    size 16
 * </pre>
 *
 * <p>The kernel writes it when the request completes, possibly long after the call that started the
 * request returned, so its memory must stay in place until the completion packet has been dequeued.
 *
 * <p>Threading: constants only.
 */
final class IoStatusBlockDescriptor {
    /** {@code sizeof(IO_STATUS_BLOCK)} on 64-bit Windows. */
    static final int SIZE = 16;
    /** Offset of {@code Status}. */
    static final int STATUS_OFFSET = 0;
    /** Offset of {@code Information}. */
    static final int INFORMATION_OFFSET = 8;

    private IoStatusBlockDescriptor() {
    }
}
