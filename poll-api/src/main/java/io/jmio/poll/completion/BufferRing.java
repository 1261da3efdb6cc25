package io.jmio.poll.completion;

import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A group of {@link #count()} equal buffers of {@link #size()} bytes that the kernel picks from for
 * {@link CompletionQueue#recvMultishot multishot receives}: each completion names the buffer it filled
 * ({@link Completions#bufferId(int)}), which is the application's until it {@link #recycle recycles}
 * it. Made by {@link CompletionQueue#bufferRing(int, int)}; the queue gives it a buffer-group id of its
 * own ({@link #group()}).
 *
 * <pre>{@code
 * BufferRing ring = q.bufferRing(64, 4096);      // 64 buffers of 4 KiB, all lent to the kernel
 * q.recvMultishot(stream, ring, RECV);
 * ...
 * int id = c.bufferId(i);                        // after a completion under RECV with result n > 0
 * ByteBuffer b = ring.buffer(id);                // position 0, limit size(): read n bytes
 * ...
 * ring.recycle(id);                              // back to the kernel at the next reap or submit
 * }</pre>
 *
 * <p><b>Memory.</b> The buffers are one direct area of {@code count * size} bytes, buffer {@code id}
 * at {@code id * size}; {@link #buffer(int)} returns a view made once per id, so reading a completion
 * and recycling its buffer allocate nothing. The area lives as long as the ring object (or a view of
 * it) is reachable, so a view read after {@link #close()} is still valid memory.
 *
 * <p><b>Ownership of each buffer.</b> At first every buffer is the kernel's. A completion that names a
 * buffer hands it to the application; {@link #recycle(int)} hands it back. Recycling a buffer the
 * kernel holds (twice, or one no completion named) is refused, so the ring can never be given more
 * buffers than it has entries. When the kernel finds no buffer to receive into, the multishot receive
 * ends with {@code -ENOBUFS} (the bytes stay in the socket): recycle buffers and submit it again.
 *
 * <p><b>Recycling is batched.</b> {@link #recycle(int)} writes the buffer's ring entry; the entries
 * written since the last time are published to the kernel together, with one release store of the
 * ring's tail, by the queue's next {@link CompletionQueue#reap reap} or {@link CompletionQueue#submit
 * submit}. Until then the kernel does not see them: on io_uring it may run a receive's deferred work
 * on the way back from any system call of the thread (a socket write, say), and find the ring dry
 * if every buffer was out; a loop that recycles while it handles its completions and then reaps
 * again has no such gap.
 *
 * <p><b>Closing.</b> {@link #close()} unregisters the group from the kernel; it is refused with
 * {@link IllegalStateException} while a multishot receive that uses the ring is in flight (cancel it
 * and reap its last completion first). Closing the queue closes its rings.
 *
 * <p>On io_uring this is a provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19).
 * IOCP has no provided buffers: there the backend would take a free buffer from the ring itself and
 * post an overlapped {@code WSARecv} into it, posting the next one when that completes (and ending
 * the receive with the equivalent of {@code ENOBUFS} when none is free); {@link #recycle(int)} would
 * return the id to that free list.
 *
 * <p>Threading: not thread-safe: used by the thread that submits to and reaps its queue.
 */
public abstract class BufferRing implements AutoCloseable {
    /** The most buffers in a ring: io_uring's head and tail are 16 bits, and a full ring must differ from an empty one. */
    public static final int MAX_COUNT = 1 << 15;

    private final CompletionQueue queue;
    private final int group;
    private final int count;
    private final int size;
    private final ByteBuffer data;
    private final long dataAddress;
    private final ByteBuffer[] views;
    /** true while the kernel holds the buffer. */
    private final boolean[] lent;
    /** Buffers the application holds. */
    private int held;
    /** Multishot receives in flight on this ring. */
    private int users;
    private boolean dirty;
    private boolean closed;

    /**
     * Allocates the buffers; every one counts as lent to the kernel (the backend provides them all
     * before it registers the ring).
     *
     * @param queue the queue that made the ring
     * @param group the buffer-group id the queue gave it
     * @param count the buffers, a power of two up to {@link #MAX_COUNT}
     * @param size  each buffer's bytes, at least 1
     * @throws IllegalArgumentException if {@code count} or {@code size} is out of range
     */
    protected BufferRing(CompletionQueue queue, int group, int count, int size) {
        check(count, size);
        this.queue = queue;
        this.group = group;
        this.count = count;
        this.size = size;
        this.data = NativeMemory.allocate(count * size);
        this.dataAddress = NativeMemory.address(data);
        this.views = new ByteBuffer[count];
        this.lent = new boolean[count];
        for (int id = 0; id < count; id++) {
            views[id] = data.slice(id * size, size).order(data.order());
            lent[id] = true;
        }
    }

    static void check(int count, int size) {
        if (count < 1 || count > MAX_COUNT || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("a buffer ring's count must be a power of two from 1 to " + MAX_COUNT + ": " + count);
        }
        if (size < 1 || size > Integer.MAX_VALUE / count) {
            throw new IllegalArgumentException("a buffer ring's buffers must have 1 to " + (Integer.MAX_VALUE / count)
                    + " bytes for " + count + " buffers: " + size);
        }
    }

    /** @return the buffer-group id the kernel knows the ring by, unique within its queue */
    public final int group() {
        return group;
    }

    /** @return the number of buffers */
    public final int count() {
        return count;
    }

    /** @return each buffer's size in bytes */
    public final int size() {
        return size;
    }

    /** @return true until {@link #close()} or the queue's close */
    public final boolean isOpen() {
        return !closed;
    }

    /**
     * @param id a buffer id from {@link Completions#bufferId(int)}
     * @return the buffer's view, made once, cleared (position 0, limit {@link #size()}); the completion's
     *         result says how many bytes from 0 were received
     * @throws IndexOutOfBoundsException if {@code id} is not below {@link #count()}
     * @throws IllegalStateException     if the kernel holds the buffer (it may be writing it: recycled
     *                                   already, or not yet named by a completion) and the ring is open
     */
    public final ByteBuffer buffer(int id) {
        checkId(id);
        if (lent[id] && !closed) {
            throw new IllegalStateException("buffer " + id + " of ring " + group
                    + " is the kernel's: recycled already, or not yet named by a completion");
        }
        ByteBuffer b = views[id];
        b.clear();
        return b;
    }

    /**
     * Gives buffer {@code id} back to the kernel: its ring entry is written now and published (with
     * the others recycled since) by the queue's next reap or submit.
     *
     * @param id a buffer id a completion handed to the application
     * @throws IndexOutOfBoundsException if {@code id} is not below {@link #count()}
     * @throws IllegalStateException     if the kernel holds the buffer already (recycled twice, or never
     *                                   named by a completion), or the ring is closed
     */
    public final void recycle(int id) {
        checkId(id);
        if (closed) {
            throw new IllegalStateException("buffer ring " + group + " is closed");
        }
        if (lent[id]) {
            throw new IllegalStateException("buffer " + id + " of ring " + group
                    + " is the kernel's already: recycled twice, or never named by a completion");
        }
        lent[id] = true;
        held--;
        provide(id, dataAddress + (long) id * size, size);
        dirty = true;
    }

    /** @return the buffers the application holds now (named by a completion, not yet recycled) */
    public final int held() {
        return held;
    }

    /**
     * Unregisters the ring from the kernel and frees its entries; the buffers stay readable through
     * views already taken. Idempotent.
     *
     * @throws IllegalStateException if a multishot receive using the ring is in flight
     * @throws IOException           if the kernel refuses the unregistration (its cause names the call
     *                               and errno); the ring is closed all the same, but its group id stays
     *                               reserved, not handed to another ring, until the queue is closed
     */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        if (users > 0) {
            throw new IllegalStateException(users + " multishot receive(s) in flight use buffer ring " + group
                    + ": cancel them and reap their last completion before closing it");
        }
        closed = true;
        try {
            unregister();
        } catch (IOException e) {
            throw new IOException("buffer ring " + this + " could not be unregistered; its group " + group
                    + " stays reserved until the queue is closed, as the kernel may still hold it", e);
        }
        queue.forget(this);
    }

    // ---- for the queue ----------------------------------------------------------------------

    /**
     * @param id a buffer id below {@link #count()}
     * @return the native address of buffer {@code id}, for the backend's ring entries
     */
    protected final long address(int id) {
        return dataAddress + (long) id * size;
    }

    final CompletionQueue queue() {
        return queue;
    }

    /** A completion named buffer {@code id}: it is the application's now. */
    final void taken(int id) {
        if (id >= 0 && id < count && lent[id]) {
            lent[id] = false;
            held++;
        }
    }

    final void use() {
        users++;
    }

    final void unuse() {
        users--;
    }

    final void publishRecycled() {
        if (dirty) {
            dirty = false;
            publish();
        }
    }

    /** The queue is closing (the kernel drops its groups with it): frees the backend's memory only. */
    final void closedWithQueue() throws IOException {
        if (!closed) {
            closed = true;
            discard();
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= count) {
            throw new IndexOutOfBoundsException("buffer id " + id + " of a ring of " + count);
        }
    }

    // ---- the backend ------------------------------------------------------------------------

    /**
     * Writes the ring entry that lends buffer {@code id} to the kernel, not yet visible to it.
     *
     * @param id      the buffer id
     * @param address the buffer's native address
     * @param length  its length, {@link #size()}
     */
    protected abstract void provide(int id, long address, int length);

    /** Makes the entries {@link #provide provided} so far visible to the kernel (a release store). */
    protected abstract void publish();

    /**
     * Unregisters the group from the kernel and frees the backend's memory for it.
     *
     * @throws IOException if the kernel refuses
     */
    protected abstract void unregister() throws IOException;

    /**
     * Frees the backend's memory for the group without telling the kernel (its queue is closed).
     *
     * @throws IOException if freeing fails
     */
    protected abstract void discard() throws IOException;

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(group " + group + ", " + count + " x " + size + " B, " + held() + " held"
                + (closed ? ", closed" : "") + ")";
    }
}
