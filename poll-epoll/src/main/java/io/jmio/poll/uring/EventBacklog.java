package io.jmio.poll.uring;

import java.util.Arrays;

/**
 * Events reaped from the completion queue beyond the capacity of the caller's {@code Events}: the
 * queue is always drained whole (so that the results of one submission are known before the next),
 * and what does not fit waits here for the next select, which delivers it first if its registration
 * is still the one it was reaped for. Primitive arrays, grown (rarely) by doubling.
 *
 * <p>Threading: not thread-safe; {@link UringSelector} guards it with its lock.
 */
final class EventBacklog {
    private int[] fds = new int[16];
    private int[] generations = new int[16];
    private int[] masks = new int[16];
    private int size;

    int size() {
        return size;
    }

    int fd(int i) {
        return fds[i];
    }

    int generation(int i) {
        return generations[i];
    }

    int mask(int i) {
        return masks[i];
    }

    void add(int fd, int generation, int mask) {
        if (size == fds.length) {
            fds = Arrays.copyOf(fds, size * 2);
            generations = Arrays.copyOf(generations, size * 2);
            masks = Arrays.copyOf(masks, size * 2);
        }
        fds[size] = fd;
        generations[size] = generation;
        masks[size++] = mask;
    }

    /** Keeps entry {@code i} as entry {@code at}; entries are kept in order, so {@code at <= i}. */
    void keep(int i, int at) {
        fds[at] = fds[i];
        generations[at] = generations[i];
        masks[at] = masks[i];
    }

    /** Drops every entry from {@code n} on. */
    void truncate(int n) {
        size = n;
    }
}
