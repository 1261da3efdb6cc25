package io.jmio.poll.posix;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Native memory through which heap {@link ByteBuffer}s are copied for a system call: borrowed for one
 * call from a process-wide pool and given back after it, so that staging memory is bounded by the
 * number of calls in flight at once, not by the number of threads (a hundred thousand virtual threads
 * doing heap I/O share the same few areas).
 *
 * <p><b>Bounds.</b> The pool holds at most {@link #SLOTS} areas of {@link #SIZE} bytes (created on
 * demand, kept for the life of the process). A call that finds every area borrowed, or that needs
 * more than {@link #SIZE} bytes at once (a whole datagram larger than that, which must not be cut),
 * gets an area of its own, allocated for that call and freed by the garbage collector: transient
 * memory proportional to what is in flight.
 *
 * <p><b>Cost.</b> Borrowing and giving back are one compare-and-set each on an uncontended slot and
 * allocate nothing; copying is a bulk copy, read-only buffers included.
 *
 * <p>Threading: thread-safe; an area belongs to one thread between {@link #borrow} and {@link #giveBack}.
 */
public final class Staging {
    /** Size of a pooled area: the most a heap buffer moves per stream call. */
    public static final int SIZE = 64 * 1024;
    /** How many areas the pool keeps: twice the processors, at least 4. */
    public static final int SLOTS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final AtomicReferenceArray<Staging> POOL = new AtomicReferenceArray<>(SLOTS);
    private static final AtomicInteger CREATED = new AtomicInteger();

    /** The area, native byte order; use absolute gets and puts only. */
    public final ByteBuffer buffer;
    /** The address of {@link #buffer}'s first byte. */
    public final long address;
    private final boolean pooled;

    private Staging(int size, boolean pooled) {
        this.buffer = NativeMemory.allocate(size);
        this.address = NativeMemory.address(buffer);
        this.pooled = pooled;
    }

    /**
     * @param size the bytes needed at once
     * @return an area of at least {@code size} bytes ({@link #SIZE} when pooled), to give back after the call
     */
    public static Staging borrow(int size) {
        if (size <= SIZE) {
            for (int i = 0; i < SLOTS; i++) {
                Staging s = POOL.get(i);
                if (s != null && POOL.compareAndSet(i, s, null)) {
                    return s;
                }
            }
            int n = CREATED.get();
            while (n < SLOTS) {
                if (CREATED.compareAndSet(n, n + 1)) {
                    return new Staging(SIZE, true);
                }
                n = CREATED.get();
            }
        }
        return new Staging(Math.max(size, 1), false); // every pooled area is in use, or the call needs more
    }

    /** Returns a pooled area to the pool; a call's own area is left to the garbage collector. */
    public void giveBack() {
        if (pooled) {
            for (int i = 0; i < SLOTS; i++) {
                if (POOL.get(i) == null && POOL.compareAndSet(i, null, this)) {
                    return;
                }
            }
        }
    }

    /** @return how many pooled areas exist (they are never freed) */
    public static int pooledAreas() {
        return CREATED.get();
    }

    /**
     * Copies {@code len} bytes of a heap buffer from {@code pos} into the area at {@code at}, in bulk
     * (a read-only buffer too: the JDK's absolute bulk {@code put} reads it without an array).
     */
    void stage(int at, ByteBuffer src, int pos, int len) {
        if (src.hasArray()) {
            buffer.put(at, src.array(), src.arrayOffset() + pos, len);
        } else {
            buffer.put(at, src, pos, len);
        }
    }

    /** Copies {@code len} staged bytes at {@code at} into a heap buffer (writable, so backed by an array) at {@code pos}. */
    void unstage(int at, ByteBuffer dst, int pos, int len) {
        buffer.get(at, dst.array(), dst.arrayOffset() + pos, len);
    }
}
