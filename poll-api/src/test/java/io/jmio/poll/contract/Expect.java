package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Poll;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Event expectations in the manner of mio's test utilities: {@link #events} waits, within a bounded
 * time, until every expected event was seen (spurious events are tolerated, as the contract allows);
 * {@link #noEvents} asserts that a poll returns nothing for the given tokens.
 *
 * <p>Threading: use from the polling thread.
 */
public final class Expect {
    private static final Duration LIMIT = Duration.ofSeconds(5);

    private Expect() {
    }

    /** An expected event: its token and the readiness that must be set. */
    public static final class Expected {
        final long token;
        final boolean readable;
        final boolean writable;
        final boolean readClosed;
        final boolean writeClosed;

        private Expected(long token, boolean readable, boolean writable, boolean readClosed, boolean writeClosed) {
            this.token = token;
            this.readable = readable;
            this.writable = writable;
            this.readClosed = readClosed;
            this.writeClosed = writeClosed;
        }

        boolean matches(Event e) {
            return e.token() == token && (!readable || e.isReadable()) && (!writable || e.isWritable())
                    && (!readClosed || e.isReadClosed()) && (!writeClosed || e.isWriteClosed());
        }

        @Override
        public String toString() {
            return "token " + token + (readable ? " readable" : "") + (writable ? " writable" : "")
                    + (readClosed ? " read-closed" : "") + (writeClosed ? " write-closed" : "");
        }
    }

    /** @return an expected readable event */
    public static Expected readable(long token) {
        return new Expected(token, true, false, false, false);
    }

    /** @return an expected writable event */
    public static Expected writable(long token) {
        return new Expected(token, false, true, false, false);
    }

    /** @return an expected read-closed event */
    public static Expected readClosed(long token) {
        return new Expected(token, false, false, true, false);
    }

    /** @return an expected write-closed event */
    public static Expected writeClosed(long token) {
        return new Expected(token, false, false, false, true);
    }

    /**
     * Polls until every expected event has been seen, failing after five seconds.
     *
     * @return every event seen, as strings, for further checks
     */
    public static List<String> events(Poll poll, Events events, Expected... expected) throws IOException {
        List<Expected> missing = new ArrayList<>(List.of(expected));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("expected " + missing + " within " + LIMIT + "; saw " + seen);
            }
            poll.poll(events, Duration.ofNanos(left));
            for (Event e : events) {
                seen.add(e.toString());
                missing.removeIf(x -> x.matches(e));
            }
        }
        return seen;
    }

    /** Asserts that one poll with a short timeout reports no event at all. */
    public static void noEvents(Poll poll, Events events) throws IOException {
        poll.poll(events, Duration.ofMillis(50));
        if (!events.isEmpty()) {
            fail("expected no events, got " + events);
        }
    }

    /** Asserts that one poll with a short timeout reports no event with {@code token}. */
    public static void noEventsFor(Poll poll, Events events, long token) throws IOException {
        poll.poll(events, Duration.ofMillis(50));
        for (Event e : events) {
            if (e.token() == token) {
                fail("expected no event for token " + token + ", got " + events);
            }
        }
    }
}
