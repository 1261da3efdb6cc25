package io.jmio.poll.iocp;

import io.jmio.poll.posix.NativeMemory;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The registrations of one selector: slots of {@link SocketState}, their kernel-visible memory, and the
 * map from socket handle to slot.
 *
 * <p><b>Memory.</b> Each slot owns {@value #SLOT_SIZE} bytes of native memory: its
 * {@code IO_STATUS_BLOCK} at offset 0 and its {@code AFD_POLL_INFO} at 16.
 * <pre>
 *   chunk k (a direct buffer of {@value #CHUNK_SLOTS} slots, never moved or freed while the selector lives)
 *   +----------------------+---------------------------------+----------------------+----
 *   | IOSB (16) slot 64k   | AFD_POLL_INFO (32) slot 64k     | IOSB slot 64k+1      | ...
 *   +----------------------+---------------------------------+----------------------+----
 * </pre>
 * The table grows by adding chunks, so an address handed to the kernel stays valid however many
 * sockets are registered later.
 *
 * <p><b>Finding a slot from a completion.</b> The APC context of a poll is the slot's
 * {@link SocketState#reference()}: the index in the low 32 bits and the slot's generation in the high
 * 32. {@link #byReference} is an array access and a comparison, no map lookup; a reference whose
 * generation is not the slot's current one is stale and ignored. (Slots are only freed once their
 * last packet has been dequeued, so a stale reference is a bug the generation check contains.)
 *
 * <p><b>Handle map.</b> Open addressing with linear probing over primitive arrays, deletion by
 * backward shift: no allocation once grown.
 *
 * <p>Threading: guarded by the selector's lock.
 */
final class SocketTable {
    static final int SLOT_SIZE = IoStatusBlockDescriptor.SIZE + AfdPollInfoDescriptor.SIZE;
    static final int IOSB_OFFSET = 0;
    static final int POLL_INFO_OFFSET = IoStatusBlockDescriptor.SIZE;
    static final int CHUNK_SLOTS = 64;

    private ByteBuffer[] chunks = new ByteBuffer[4];
    private SocketState[] slots = new SocketState[0];
    private int[] free = new int[0];
    private int freeCount;
    private int inUse;

    private long[] keys = new long[64];
    private int[] values = filled(64);
    private int mapSize;

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    /** @return a free slot, growing the table by a chunk if none is free */
    SocketState allocate() {
        if (freeCount == 0) {
            grow();
        }
        SocketState s = slots[free[--freeCount]];
        inUse++;
        return s;
    }

    private void grow() {
        int chunk = slots.length / CHUNK_SLOTS;
        if (chunk == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        ByteBuffer memory = NativeMemory.allocate(CHUNK_SLOTS * SLOT_SIZE);
        chunks[chunk] = memory;
        long base = NativeMemory.address(memory);
        int first = slots.length;
        slots = Arrays.copyOf(slots, first + CHUNK_SLOTS);
        free = Arrays.copyOf(free, slots.length);
        for (int i = CHUNK_SLOTS - 1; i >= 0; i--) {
            long slotBase = base + (long) i * SLOT_SIZE;
            slots[first + i] = new SocketState(first + i, slotBase + IOSB_OFFSET, slotBase + POLL_INFO_OFFSET);
            free[freeCount++] = first + i;
        }
    }

    /** Frees a slot whose poll is idle. */
    void release(SocketState s) {
        s.free();
        free[freeCount++] = s.index;
        inUse--;
    }

    /** @return the slot a completion's APC context names, or null if it is stale or not ours */
    SocketState byReference(long reference) {
        int index = SocketState.indexOf(reference);
        if (index < 0 || index >= slots.length) {
            return null;
        }
        SocketState s = slots[index];
        return s.inUse && s.generation == SocketState.generationOf(reference) ? s : null;
    }

    /** @return the number of slots in use, deregistered ones awaiting their packet included */
    int inUse() {
        return inUse;
    }

    /** @return slot {@code i}, for iteration over all slots (may be free) */
    SocketState slot(int i) {
        return slots[i];
    }

    /** @return the number of slots, free or not */
    int capacity() {
        return slots.length;
    }

    private ByteBuffer memory(SocketState s) {
        return chunks[s.index / CHUNK_SLOTS];
    }

    private static int offset(SocketState s) {
        return (s.index % CHUNK_SLOTS) * SLOT_SIZE;
    }

    /** Writes the poll request for {@code s} and marks its status block pending. */
    void writeRequest(SocketState s, int mask) {
        ByteBuffer m = memory(s);
        int iosb = offset(s) + IOSB_OFFSET;
        int info = offset(s) + POLL_INFO_OFFSET;
        m.putLong(iosb + IoStatusBlockDescriptor.STATUS_OFFSET, WindowsErrors.STATUS_PENDING);
        m.putLong(iosb + IoStatusBlockDescriptor.INFORMATION_OFFSET, 0);
        m.putLong(info + AfdPollInfoDescriptor.TIMEOUT_OFFSET, AfdPollInfoDescriptor.NO_TIMEOUT);
        m.putInt(info + AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET, 1);
        m.putInt(info + AfdPollInfoDescriptor.EXCLUSIVE_OFFSET, 0);
        m.putLong(info + AfdPollInfoDescriptor.HANDLE_OFFSET, s.baseSocket);
        m.putInt(info + AfdPollInfoDescriptor.EVENTS_OFFSET, mask);
        m.putInt(info + AfdPollInfoDescriptor.STATUS_OFFSET, 0);
    }

    /** @return the {@code Status} the kernel left in the status block of {@code s} */
    int status(SocketState s) {
        return memory(s).getInt(offset(s) + IOSB_OFFSET + IoStatusBlockDescriptor.STATUS_OFFSET);
    }

    /** @return {@code NumberOfHandles} of the poll info of {@code s} */
    int numberOfHandles(SocketState s) {
        return memory(s).getInt(offset(s) + POLL_INFO_OFFSET + AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET);
    }

    /** @return {@code Handles[0].Events} of the poll info of {@code s} */
    int events(SocketState s) {
        return memory(s).getInt(offset(s) + POLL_INFO_OFFSET + AfdPollInfoDescriptor.EVENTS_OFFSET);
    }

    /** @return the chunks, to keep alive if the kernel may still write them after close */
    Object[] memory() {
        return chunks.clone();
    }

    // ---- socket handle -> slot index ----------------------------------------------------------

    private static int hash(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** @return the slot registered for {@code socket}, or null */
    SocketState lookup(long socket) {
        int mask = keys.length - 1;
        for (int i = hash(socket, mask); values[i] >= 0; i = (i + 1) & mask) {
            if (keys[i] == socket) {
                return slots[values[i]];
            }
        }
        return null;
    }

    /** Maps {@code socket} to {@code s}; the socket must not be mapped. */
    void map(long socket, SocketState s) {
        if ((mapSize + 1) * 2 > keys.length) {
            rehash(keys.length * 2);
        }
        int mask = keys.length - 1;
        int i = hash(socket, mask);
        while (values[i] >= 0) {
            assert keys[i] != socket;
            i = (i + 1) & mask;
        }
        keys[i] = socket;
        values[i] = s.index;
        mapSize++;
    }

    /** Removes {@code socket}'s mapping, if any. */
    void unmap(long socket) {
        int mask = keys.length - 1;
        int i = hash(socket, mask);
        while (values[i] >= 0 && keys[i] != socket) {
            i = (i + 1) & mask;
        }
        if (values[i] < 0) {
            return;
        }
        values[i] = -1;
        mapSize--;
        // Backward shift: move later members of the probe run into the hole when that is closer to home.
        for (int j = (i + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            int home = hash(keys[j], mask);
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = -1;
                i = j;
            }
        }
    }

    private void rehash(int size) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[size];
        values = filled(size);
        mapSize = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] >= 0) {
                map(oldKeys[i], slots[oldValues[i]]);
            }
        }
    }

    /** @return the number of mapped sockets */
    int mapped() {
        return mapSize;
    }
}
