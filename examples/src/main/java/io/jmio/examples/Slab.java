package io.jmio.examples;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Connections by token without boxing: an array whose free slots are reused, so a token is a small
 * index and looking one up allocates nothing (what mio's examples use a slab or a map for).
 *
 * <p>Threading: not thread-safe; the event loop's thread only.
 *
 * @param <T> the entries
 */
final class Slab<T> {
    private Object[] entries = new Object[64];
    private int[] free = new int[64];
    private int freeCount;
    private int high;
    private int size;

    /** @return the index the entry is stored at */
    int add(T entry) {
        int index;
        if (freeCount > 0) {
            index = free[--freeCount];
        } else {
            if (high == entries.length) {
                entries = Arrays.copyOf(entries, high * 2);
                free = Arrays.copyOf(free, high * 2);
            }
            index = high++;
        }
        entries[index] = entry;
        size++;
        return index;
    }

    /** @return the entry at {@code index}, or null if there is none */
    @SuppressWarnings("unchecked")
    T get(long index) {
        return index >= 0 && index < high ? (T) entries[(int) index] : null;
    }

    /** Removes the entry at {@code index}, freeing the slot for reuse. */
    void remove(long index) {
        if (get(index) != null) {
            entries[(int) index] = null;
            free[freeCount++] = (int) index;
            size--;
        }
    }

    /** @return how many entries there are */
    int size() {
        return size;
    }

    /** Calls {@code action} on every entry and removes them all. */
    void drain(Consumer<T> action) {
        for (int i = 0; i < high; i++) {
            T entry = get(i);
            if (entry != null) {
                action.accept(entry);
            }
        }
        Arrays.fill(entries, null);
        high = 0;
        freeCount = 0;
        size = 0;
    }
}
