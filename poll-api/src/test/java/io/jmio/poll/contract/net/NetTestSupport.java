package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallFailure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.function.Executable;

/**
 * Helpers for the network contract tests: polling for expected events with timeouts, never sleeping.
 *
 * <p>Threading: use from the polling thread.
 */
public final class NetTestSupport {
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long "no event" is waited for. */
    public static final Duration QUIET = Duration.ofMillis(150);

    private NetTestSupport() {
    }

    public static InetSocketAddress anyLocal() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** A copy of one event's fields, for messages and later checks. */
    public record Seen(long token, boolean readable, boolean writable, boolean error, boolean readClosed,
                boolean writeClosed, boolean priority, String text) {
        public static Seen of(Event e) {
            return new Seen(e.token(), e.isReadable(), e.isWritable(), e.isError(), e.isReadClosed(),
                    e.isWriteClosed(), e.isPriority(), e.toString());
        }
    }

    /**
     * Polls until an event for {@code token} matching {@code condition} arrives (other events, and
     * spurious ones, are tolerated), or fails after {@link #TIMEOUT}.
     */
    public static Seen expectEvent(Poll poll, Events events, long token, Predicate<Seen> condition, String what)
            throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Seen> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            poll.poll(events, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            for (Event e : events) {
                Seen s = Seen.of(e);
                seen.add(s);
                if (s.token() == token && condition.test(s)) {
                    return s;
                }
            }
        }
        return fail("no event for token " + token + " (" + what + ") within " + TIMEOUT + "; saw " + seen);
    }

    /**
     * Polls until the events for {@code token}, their flags OR-ed together, satisfy {@code condition},
     * or fails after {@link #TIMEOUT}: kqueue reports the read and write sides in separate events where
     * epoll reports one, so a condition on both sides must look at all of them.
     */
    public static Seen expectCombined(Poll poll, Events events, long token, Predicate<Seen> condition, String what)
            throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Seen> seen = new ArrayList<>();
        Seen combined = new Seen(token, false, false, false, false, false, false, "");
        while (System.nanoTime() < deadline) {
            poll.poll(events, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            for (Event e : events) {
                Seen s = Seen.of(e);
                seen.add(s);
                if (s.token() == token) {
                    combined = new Seen(token, combined.readable() || s.readable(), combined.writable() || s.writable(),
                            combined.error() || s.error(), combined.readClosed() || s.readClosed(),
                            combined.writeClosed() || s.writeClosed(), combined.priority() || s.priority(),
                            combined.text() + s.text() + " ");
                    if (condition.test(combined)) {
                        return combined;
                    }
                }
            }
        }
        return fail("no events for token " + token + " (" + what + ") within " + TIMEOUT + "; saw " + seen);
    }

    /** Collects every event arriving within {@code window}. */
    public static List<Seen> collect(Poll poll, Events events, Duration window) throws IOException {
        List<Seen> seen = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            poll.poll(events, Duration.ofNanos(left));
            for (Event e : events) {
                seen.add(Seen.of(e));
            }
        }
        return seen;
    }

    /** Asserts no event for {@code token} arrives within {@link #QUIET}. */
    public static void expectNoEvent(Poll poll, Events events, long token) throws IOException {
        List<Seen> seen = collect(poll, events, QUIET);
        assertTrue(seen.stream().noneMatch(s -> s.token() == token),
                "expected no event for token " + token + " but saw " + seen);
    }

    /** Asserts no event at all arrives within {@link #QUIET}. */
    public static void expectNoEvents(Poll poll, Events events) throws IOException {
        List<Seen> seen = collect(poll, events, QUIET);
        assertTrue(seen.isEmpty(), "expected no events but saw " + seen);
    }

    /**
     * Asserts that {@code call} fails with {@code type} (a JDK socket exception) that still carries
     * the syscall and errno ({@link SyscallFailure}).
     *
     * @return the failure, as a {@link SyscallFailure}, for further checks (its errno name, its call)
     */
    public static SyscallFailure assertSocketFailure(Class<? extends IOException> type, Executable call) {
        IOException e = assertThrows(type, call);
        return assertInstanceOf(SyscallFailure.class, e, "keeps syscall and errno: " + e);
    }

    /** The byte at position {@code i} of a test stream: a pattern that catches reordering and loss. */
    public static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 8) * 7 + (i >>> 16));
    }
}
