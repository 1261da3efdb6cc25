package io.jmio.poll.spi;

/**
 * A backend's native event array and the decoding of each slot, behind {@link io.jmio.poll.Event}'s
 * accessors. One per {@link io.jmio.poll.Events}; allocated once, at its first poll.
 *
 * <p>Accessors take a slot index below the count the last {@link Selector#select} returned; they must
 * not allocate.
 *
 * <p>Threading: confined to the polling thread.
 */
public abstract class EventBuffer {
    private final int capacity;

    /** @param capacity the number of slots */
    protected EventBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** @return the number of slots */
    public final int capacity() {
        return capacity;
    }

    /**
     * @param i slot
     * @return the token value stored in the kernel's user-data field
     */
    public abstract long token(int i);

    /**
     * @param i slot
     * @return readable, per the table in {@link io.jmio.poll.Event}
     */
    public abstract boolean isReadable(int i);

    /**
     * @param i slot
     * @return writable
     */
    public abstract boolean isWritable(int i);

    /**
     * @param i slot
     * @return error
     */
    public abstract boolean isError(int i);

    /**
     * @param i slot
     * @return read half closed
     */
    public abstract boolean isReadClosed(int i);

    /**
     * @param i slot
     * @return write half closed
     */
    public abstract boolean isWriteClosed(int i);

    /**
     * @param i slot
     * @return priority data
     */
    public abstract boolean isPriority(int i);

    /**
     * @param i slot
     * @return AIO completion (kqueue only)
     */
    public abstract boolean isAio(int i);

    /**
     * @param i slot
     * @return list I/O completion (kqueue only)
     */
    public abstract boolean isLio(int i);

    /**
     * @param i slot
     * @return the raw kernel flags of the slot, for diagnostics
     */
    public abstract String describe(int i);
}
