package io.jmio.poll.iocp;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.spi.EventBuffer;

import java.nio.ByteBuffer;

/**
 * The events of one {@link io.jmio.poll.Events}: the native {@code OVERLAPPED_ENTRY} array that
 * {@code GetQueuedCompletionStatusEx} fills (layout in {@link OverlappedEntryDescriptor}), and the
 * decoded events the selector makes of it, a token and an AFD bit set per slot, read in place with the
 * meaning given in {@link AfdEvents}.
 *
 * <p>A completion packet is not yet an event: an AFD poll's packet points to a socket slot whose poll
 * info holds the ready bits, and some packets (a cancelled poll, a close interrupt) report nothing.
 * So the selector decodes packets into {@link #tokens} and {@link #flags}; the i-th event never
 * comes from a later packet than the i-th, which lets both live side by side without copying.
 *
 * <p>Threading: confined to the polling thread.
 */
final class IocpEventArray extends EventBuffer {
    private final ByteBuffer entries;
    /** Address of the {@code OVERLAPPED_ENTRY} array. */
    final long entriesAddress;
    /** Address of the {@code ULONG} count {@code GetQueuedCompletionStatusEx} returns. */
    final long removedAddress;
    final long[] tokens;
    final int[] flags;

    IocpEventArray(int capacity) {
        super(capacity);
        this.entries = NativeMemory.allocate(capacity * OverlappedEntryDescriptor.SIZE + 8);
        this.entriesAddress = NativeMemory.address(entries);
        this.removedAddress = entriesAddress + (long) capacity * OverlappedEntryDescriptor.SIZE;
        this.tokens = new long[capacity];
        this.flags = new int[capacity];
    }

    long completionKey(int i) {
        return entries.getLong(i * OverlappedEntryDescriptor.SIZE + OverlappedEntryDescriptor.COMPLETION_KEY_OFFSET);
    }

    long overlapped(int i) {
        return entries.getLong(i * OverlappedEntryDescriptor.SIZE + OverlappedEntryDescriptor.OVERLAPPED_OFFSET);
    }

    @Override
    public long token(int i) {
        return tokens[i];
    }

    @Override
    public boolean isReadable(int i) {
        return AfdEvents.isReadable(flags[i]);
    }

    @Override
    public boolean isWritable(int i) {
        return AfdEvents.isWritable(flags[i]);
    }

    @Override
    public boolean isError(int i) {
        return AfdEvents.isError(flags[i]);
    }

    @Override
    public boolean isReadClosed(int i) {
        return AfdEvents.isReadClosed(flags[i]);
    }

    @Override
    public boolean isWriteClosed(int i) {
        return AfdEvents.isWriteClosed(flags[i]);
    }

    @Override
    public boolean isPriority(int i) {
        return false;
    }

    @Override
    public boolean isAio(int i) {
        return false;
    }

    @Override
    public boolean isLio(int i) {
        return false;
    }

    @Override
    public String describe(int i) {
        return AfdEvents.toString(flags[i]);
    }
}
