package io.jmio.poll.posix;

import java.nio.ByteBuffer;

/**
 * Per-thread native scratch memory for socket calls, allocated once per thread and reused, so that no
 * call allocates: room for a {@code sockaddr} and its length, an option value, an {@code iovec}
 * array and a {@code msghdr}: 512 bytes a thread. Heap {@link ByteBuffer}s are staged through
 * {@link Staging}, a pool bounded whatever the number of threads; only the Winsock socket system
 * still stages through a per-thread area after the header ({@link #DATA_OFFSET}), which is therefore
 * allocated only once a socket system whose handles are not descriptors exists in the process
 * ({@link #withStagingArea()}, called by its constructor).
 *
 * <pre>
 *  0              128      136      144               400             512                  512 + 64 KiB
 *  +--------------+--------+--------+------------------+---------------+----------------------+
 *  | sockaddr     |socklen |optval  | iovec[16]        | msghdr (56 B) |  staging data         |
 *  | storage      |  u32   | 8 B    | 16 B each        |  + pad        |                       |
 *  +--------------+--------+--------+------------------+---------------+----------------------+
 * </pre>
 *
 * <p>Threading: each thread gets its own instance from {@link #get()}; never share one.
 */
public final class NativeScratch {
    /** Offset of the {@code sockaddr_storage}. */
    public static final int SOCKADDR_OFFSET = 0;
    /** Offset of the {@code socklen_t} (value-result length). */
    public static final int SOCKLEN_OFFSET = 128;
    /** Offset of an option value (an int, or a {@code struct linger}). */
    public static final int OPTVAL_OFFSET = 136;
    /** Offset of the {@code iovec} array. */
    public static final int IOV_OFFSET = 144;
    /** How many {@code iovec}s fit. */
    public static final int IOV_MAX = 16;
    /** {@code sizeof(struct iovec)} on LP64: base pointer, then length. */
    public static final int IOV_SIZE = 16;
    /** Offset of the {@code msghdr}. */
    public static final int MSGHDR_OFFSET = 400;
    /** Offset of the Winsock system's per-thread staging area (the end of the header). */
    public static final int DATA_OFFSET = 512;
    /** Size of the Winsock system's per-thread staging area: the most a heap buffer moves per call there. */
    public static final int DATA_SIZE = 64 * 1024;
    /** Set once a Winsock socket system exists: from then on every thread's scratch has the staging area. */
    private static volatile boolean stagingArea;

    private static final ThreadLocal<NativeScratch> PER_THREAD = ThreadLocal.withInitial(NativeScratch::new);

    /** The whole area, native byte order; use absolute gets and puts only. */
    public final ByteBuffer buffer;
    /** The address of {@link #buffer}'s first byte. */
    public final long address;

    private NativeScratch() {
        buffer = NativeMemory.allocate(stagingArea ? DATA_OFFSET + DATA_SIZE : DATA_OFFSET);
        address = NativeMemory.address(buffer);
    }

    /** @return the calling thread's scratch memory */
    public static NativeScratch get() {
        NativeScratch s = PER_THREAD.get();
        if (stagingArea && s.buffer.capacity() == DATA_OFFSET) {
            s = new NativeScratch();  // once per thread, after a Winsock system appeared
            PER_THREAD.set(s);
        }
        return s;
    }

    /** Gives every thread's scratch the per-thread staging area from now on (the Winsock system uses it). */
    public static void withStagingArea() {
        stagingArea = true;
    }
}
