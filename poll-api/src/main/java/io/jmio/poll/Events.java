package io.jmio.poll;

import io.jmio.poll.spi.EventBuffer;
import io.jmio.poll.spi.Selector;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The events one {@link Poll#poll} returned: a reusable view over one native event array.
 *
 * <p>Create it once with {@link #withCapacity(int)} and pass it to every poll. The native array is
 * allocated at the first poll (its layout belongs to the backend) and reused after that; a poll clears
 * what the previous one left. Iterating allocates nothing: {@link #iterator()} and {@link #get(int)}
 * hand out one {@link Event} flyweight owned by this object, so an {@code Event} is valid only until
 * the next iteration step, {@code get}, or poll.
 *
 * <pre>{@code
 * Events events = Events.withCapacity(1024);
 * poll.poll(events, Duration.ofMillis(100));
 * for (Event event : events) {
 *     handle(event.token(), event.isReadable(), event.isWritable());
 * }
 * }</pre>
 *
 * <p>Threading: not thread-safe; confined to the thread that polls. Nested iteration over one
 * {@code Events} is not supported (the iterator is reused).
 */
public final class Events implements Iterable<Event> {
    private final int capacity;
    private final Event event = new Event();
    private final Cursor cursor = new Cursor();
    private EventBuffer buffer;
    private int size;

    private Events(int capacity) {
        this.capacity = capacity;
    }

    /**
     * @param capacity the most events one poll may return, at least 1
     * @return a new, empty event list
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above 1,048,576
     */
    public static Events withCapacity(int capacity) {
        if (capacity < 1 || capacity > 1 << 20) {
            throw new IllegalArgumentException("Events capacity must be between 1 and 1048576, got " + capacity);
        }
        return new Events(capacity);
    }

    /** @return the most events one poll can return */
    public int capacity() {
        return capacity;
    }

    /** @return how many events the last poll returned */
    public int size() {
        return size;
    }

    /** @return true if the last poll returned no event */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Forgets the events of the last poll (a poll does this itself). */
    public void clear() {
        size = 0;
    }

    /**
     * Returns the event at {@code index}, as the shared flyweight.
     *
     * @param index from 0 to {@link #size()} - 1
     * @return the flyweight, positioned on that event
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public Event get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("event " + index + " of " + size);
        }
        return event.at(buffer, index);
    }

    /**
     * Returns the iterator over this poll's events. It is the same object each time, reset to the
     * first event, so iterating allocates nothing.
     */
    @Override
    public Iterator<Event> iterator() {
        cursor.next = 0;
        return cursor;
    }

    EventBuffer bufferFor(Selector selector) {
        EventBuffer current = buffer;
        if (current == null || !selector.owns(current)) {
            current = selector.newEventBuffer(capacity);
            buffer = current;
        }
        return current;
    }

    void setSize(int size) {
        this.size = size;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Events[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(']').toString();
    }

    private final class Cursor implements Iterator<Event> {
        int next;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Event next() {
            if (next >= size) {
                throw new NoSuchElementException();
            }
            return event.at(buffer, next++);
        }
    }
}
