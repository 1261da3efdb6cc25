package io.jmio.poll.completion;

import java.io.IOException;
import java.util.Arrays;

/**
 * The open {@link BufferRing}s of one queue, by buffer-group id: hands out the lowest free id,
 * publishes the rings' recycled buffers before the queue's system calls, and closes the rings with
 * the queue.
 *
 * <p>Threading: not thread-safe; the queue's thread.
 */
final class BufferGroups {
    /** The most groups: io_uring's {@code bgid} is 16 bits. */
    private static final int MAX_GROUPS = 1 << 16;

    private BufferRing[] rings = new BufferRing[0];
    private int open;

    /** @return the lowest group id no open ring has (room made for it) */
    int free() {
        int group = 0;
        while (group < rings.length && rings[group] != null) {
            group++;
        }
        if (group == MAX_GROUPS) {
            throw new IllegalStateException(MAX_GROUPS + " buffer rings are open on this completion queue");
        }
        if (group == rings.length) {
            rings = Arrays.copyOf(rings, Math.min(MAX_GROUPS, Math.max(4, 2 * rings.length)));
        }
        return group;
    }

    /** @param ring a ring made under the id {@link #free()} returned */
    void add(BufferRing ring) {
        rings[ring.group()] = ring;
        open++;
    }

    /** @param ring a ring that closed itself: its id is free again */
    void remove(BufferRing ring) {
        int g = ring.group();
        if (g < rings.length && rings[g] == ring) {
            rings[g] = null;
            open--;
        }
    }

    /** Publishes what each ring recycled since the last call (one release store per ring that did). */
    void publishRecycled() {
        if (open == 0) {
            return;
        }
        for (BufferRing r : rings) {
            if (r != null) {
                r.publishRecycled();
            }
        }
    }

    /**
     * After the kernel queue is closed (which drops its buffer groups): closes every ring, freeing
     * the backend's memory for it.
     *
     * @param failure an earlier failure to add to, or null
     * @return {@code failure}, or the first failure here, the others suppressed
     */
    IOException closeAll(IOException failure) {
        for (int g = 0; g < rings.length; g++) {
            BufferRing r = rings[g];
            rings[g] = null;
            if (r != null) {
                try {
                    r.closedWithQueue();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        open = 0;
        return failure;
    }
}
