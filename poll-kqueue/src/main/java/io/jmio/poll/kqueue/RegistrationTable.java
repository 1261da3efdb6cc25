package io.jmio.poll.kqueue;

/**
 * The registered descriptors of one kqueue selector: an open-addressing hash table from {@code int}
 * file descriptor to the filters the kernel holds for it, its trigger mode and its token, in primitive
 * arrays, so lookups and updates box and allocate nothing (the arrays grow, rarely, when the table
 * fills past two thirds).
 *
 * <p>Why it exists: {@code EV_ADD} on a descriptor that already has the filter silently modifies it,
 * so kqueue never reports {@code EEXIST}; the {@link io.jmio.poll.Registry} contract (register twice:
 * {@code EEXIST}; reregister or deregister an unknown source: {@code ENOENT}) is kept here. It also
 * tells reregister which filters to delete so that the result equals a fresh registration.
 *
 * <p>Threading: not thread-safe; {@link KqueueSelector} guards it with its own lock.
 */
final class RegistrationTable {
    private static final int FREE = -1;

    private int[] keys;
    private int[] states;
    private long[] tokens;
    private int size;

    RegistrationTable(int initialCapacity) {
        int capacity = Integer.highestOneBit(Math.max(8, initialCapacity) * 2 - 1);
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new int[capacity];
        java.util.Arrays.fill(keys, FREE);
        states = new int[capacity];
        tokens = new long[capacity];
    }

    /** @return the number of registered descriptors */
    int size() {
        return size;
    }

    private int slot(int fd) {
        int h = fd * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (keys.length - 1);
    }

    /** @return the slot holding {@code fd}, or -1 */
    int find(int fd) {
        int mask = keys.length - 1;
        for (int i = slot(fd); ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == fd) {
                return i;
            }
            if (k == FREE) {
                return -1;
            }
        }
    }

    /** @return the state stored at {@code slot} (from {@link #find}) */
    int state(int slot) {
        return states[slot];
    }

    /** @return the token stored at {@code slot} */
    long token(int slot) {
        return tokens[slot];
    }

    /** Inserts or replaces {@code fd}'s entry. */
    void put(int fd, int state, long token) {
        int at = find(fd);
        if (at < 0) {
            if ((size + 1) * 3 > keys.length * 2) {
                grow();
            }
            int mask = keys.length - 1;
            at = slot(fd);
            while (keys[at] != FREE) {
                at = (at + 1) & mask;
            }
            keys[at] = fd;
            size++;
        }
        states[at] = state;
        tokens[at] = token;
    }

    /** Removes {@code fd}'s entry, if any (backward-shift deletion keeps probe chains intact). */
    void remove(int fd) {
        int at = find(fd);
        if (at < 0) {
            return;
        }
        int mask = keys.length - 1;
        int hole = at;
        for (int i = (hole + 1) & mask; keys[i] != FREE; i = (i + 1) & mask) {
            int home = slot(keys[i]);
            // Move keys[i] into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                states[hole] = states[i];
                tokens[hole] = tokens[i];
                hole = i;
            }
        }
        keys[hole] = FREE;
        size--;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldStates = states;
        long[] oldTokens = tokens;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                put(oldKeys[i], oldStates[i], oldTokens[i]);
            }
        }
    }
}
