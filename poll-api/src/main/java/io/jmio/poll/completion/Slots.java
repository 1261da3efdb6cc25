package io.jmio.poll.completion;

import io.jmio.poll.spi.HandleGuard;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The operations in flight of one {@link CompletionQueue}, a slot each: the caller's token, the kind
 * of operation, the socket's guard, and what the kernel reads or writes meanwhile (buffer, message,
 * buffer ring), kept reachable until the last completion is reaped. A slot's user data for the kernel
 * is its index and a generation that each {@link #take} advances, bit 63 clear (a backend's own
 * requests set it). Free slots are a stack.
 *
 * <p>Threading: not thread-safe; the queue's thread.
 */
final class Slots {
    /** A user data no operation carries (no slot number reaches 2^32 - 1): a cancel of it finds nothing. */
    static final long NO_OPERATION = 0xFFFF_FFFFL;

    static final byte FREE = 0;
    static final byte ACCEPT = 1;
    static final byte RECV = 2;
    static final byte SEND = 3;
    static final byte TIMEOUT = 4;
    static final byte CANCEL = 5;
    static final byte CLOSE = 6;
    static final byte CONNECT = 7;
    static final byte RECV_MULTI = 8;
    static final byte RECVMSG = 9;
    static final byte SENDMSG = 10;

    private final long[] tokens;
    private final int[] generations;
    private final byte[] kinds;
    private final HandleGuard[] guards;
    private final ByteBuffer[] buffers;
    /** The message of a recvmsg or sendmsg in flight, kept reachable and marked in flight until released. */
    private final Message[] messages;
    /** The buffer ring of each slot's multishot receive, else null. */
    private final BufferRing[] rings;
    private final int[] free;
    private int freeTop;

    /** @param capacity the most operations in flight at once */
    Slots(int capacity) {
        tokens = new long[capacity];
        generations = new int[capacity];
        kinds = new byte[capacity];
        guards = new HandleGuard[capacity];
        buffers = new ByteBuffer[capacity];
        messages = new Message[capacity];
        rings = new BufferRing[capacity];
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeTop = capacity;
    }

    int capacity() {
        return tokens.length;
    }

    int inFlight() {
        return tokens.length - freeTop;
    }

    boolean full() {
        return freeTop == 0;
    }

    /** @return a free slot, now holding these; the caller checked {@link #full()} */
    int take(long token, byte kind, HandleGuard g, ByteBuffer buf) {
        int slot = free[--freeTop];
        tokens[slot] = token;
        kinds[slot] = kind;
        guards[slot] = g;
        buffers[slot] = buf;
        generations[slot] = (generations[slot] + 1) & 0x7FFFFFFF;
        return slot;
    }

    /** Keeps {@code m} with the slot, in flight until the slot is released. */
    void message(int slot, Message m) {
        messages[slot] = m;
        m.inFlight = true;
    }

    /** Keeps {@code ring} with the slot, in use until the slot is released. */
    void ring(int slot, BufferRing ring) {
        rings[slot] = ring;
        ring.use();
    }

    /** @return the slot's user data for the kernel: generation and index */
    long userData(int slot) {
        return ((long) generations[slot] << 32) | slot;
    }

    long token(int slot) {
        return tokens[slot];
    }

    byte kind(int slot) {
        return kinds[slot];
    }

    /** @return the buffer ring of the slot's multishot receive, else null */
    BufferRing ring(int slot) {
        return rings[slot];
    }

    /** @return a slot in flight with this token that is not a cancel, or -1 */
    int find(long token) {
        for (int slot = 0; slot < kinds.length; slot++) {
            if (kinds[slot] != FREE && kinds[slot] != CANCEL && tokens[slot] == token) {
                return slot;
            }
        }
        return -1;
    }

    /**
     * Frees the slot and drops what it held: the guard's claim and reference (whose release may close
     * the socket), the ring's use, the message's flag.
     *
     * @param failure an earlier failure to add to, or null
     * @return {@code failure}, or the release's failure, the others suppressed
     */
    IOException release(int slot, IOException failure) {
        HandleGuard g = guards[slot];
        guards[slot] = null;
        buffers[slot] = null;
        if (rings[slot] != null) {
            rings[slot].unuse();
            rings[slot] = null;
        }
        Message m = messages[slot];
        if (m != null) {
            messages[slot] = null;
            m.inFlight = false;
        }
        kinds[slot] = FREE;
        free[freeTop++] = slot;
        if (g != null) {
            g.unclaim();
            try {
                g.release();
            } catch (IOException e) {
                if (failure == null) {
                    return e;
                }
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    /**
     * Releases every slot in flight and disowns their sockets, for the queue's close.
     *
     * @param failure an earlier failure to add to, or null
     * @return {@code failure}, or the first failure here, the others suppressed
     */
    IOException releaseAll(HandleGuard.Owner owner, IOException failure) {
        for (int slot = 0; slot < kinds.length; slot++) {
            if (kinds[slot] != FREE) {
                HandleGuard g = guards[slot];
                failure = release(slot, failure);
                if (g != null) {
                    g.disown(owner);
                }
            }
        }
        return failure;
    }
}
