package io.jmio.poll.iocp;

/**
 * The layout of {@code OVERLAPPED} on 64-bit Windows (x64 and ARM64, both LLP64).
 *
 * <pre>
 * typedef struct _OVERLAPPED {          offset  size
 *     ULONG_PTR Internal;                    0     8   status of the request (an NTSTATUS)
 *     ULONG_PTR InternalHigh;                8     8   bytes transferred
 *     union {
 *         struct { DWORD Offset;            16     4
 *                  DWORD OffsetHigh; };     20     4
 *         PVOID Pointer;                    16     8
 *     };
 *     HANDLE    hEvent;                     24     8
 * } OVERLAPPED;                        size 32
 * </pre>
 *
 * <p>The first 16 bytes are an {@code IO_STATUS_BLOCK} ({@link IoStatusBlockDescriptor}), which is why
 * Win32 can pass an {@code OVERLAPPED} where the native API takes a status block. This backend issues
 * its AFD polls through {@code NtDeviceIoControlFile}, which takes a status block and an opaque APC
 * context instead, so it never builds an {@code OVERLAPPED}; the layout is pinned here because
 * {@code OVERLAPPED_ENTRY.lpOverlapped} points to one for every other kind of completion.
 *
 * <p>Threading: constants only.
 */
final class OverlappedDescriptor {
    /** {@code sizeof(OVERLAPPED)} on 64-bit Windows. */
    static final int SIZE = 32;
    /** Offset of {@code Internal}. */
    static final int INTERNAL_OFFSET = 0;
    /** Offset of {@code InternalHigh}. */
    static final int INTERNAL_HIGH_OFFSET = 8;
    /** Offset of {@code Offset}. */
    static final int OFFSET_OFFSET = 16;
    /** Offset of {@code OffsetHigh}. */
    static final int OFFSET_HIGH_OFFSET = 20;
    /** Offset of {@code hEvent}. */
    static final int EVENT_OFFSET = 24;

    private OverlappedDescriptor() {
    }
}
