package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Waker} contract (after mio's {@code tests/waker.rs}), run by every backend.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class WakerContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private Poll poll;
    private Events events;

    @BeforeEach
    void openPoll() throws IOException {
        poll = Poll.open(backend());
        events = Events.withCapacity(16);
    }

    @AfterEach
    void closePoll() throws IOException {
        poll.close();
    }

    private int wakerEvents(long token, Duration timeout) throws IOException {
        poll.poll(events, timeout);
        int n = 0;
        for (Event e : events) {
            assertEquals(token, e.token(), "unexpected event " + e);
            assertTrue(e.isReadable(), "a waker event is readable: " + e);
            n++;
        }
        return n;
    }

    @Test
    void wakeProducesOneEventWithItsToken() throws IOException {
        Waker waker = new Waker(poll.registry(), Token.of(10));
        waker.wake();
        assertEquals(1, wakerEvents(10, Duration.ofSeconds(5)));
        assertEquals(0, wakerEvents(10, Duration.ofMillis(50)), "a waker event repeated without a wake");
    }

    @Test
    void threeWakesBeforeAPollCoalesce() throws IOException {
        Waker waker = new Waker(poll.registry(), Token.of(11));
        waker.wake();
        waker.wake();
        waker.wake();
        assertEquals(1, wakerEvents(11, Duration.ofSeconds(5)));
        assertEquals(0, wakerEvents(11, Duration.ofMillis(50)));
        waker.wake();
        assertEquals(1, wakerEvents(11, Duration.ofSeconds(5)), "no event for a wake after the first was reported");
    }

    @Test
    void wakeFromAnotherThreadReleasesABlockedPoll() throws Exception {
        Waker waker = new Waker(poll.registry(), Token.of(12));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
                waker.wake();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        long start = System.nanoTime();
        assertEquals(1, wakerEvents(12, null));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        t.join(5000);
        assertEquals(null, failure.get());
    }

    @Test
    void wakesFromManyThreadsAreNeverLost() throws Exception {
        Waker waker = new Waker(poll.registry(), Token.of(13));
        int rounds = 200;
        int threads = 4;
        for (int round = 0; round < rounds; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        waker.wake();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                t.start();
                ts.add(t);
            }
            go.countDown();
            for (Thread t : ts) {
                t.join(5000);
            }
            // Every wake has returned, so at least one event must be reported now, and at most a
            // couple (wakes racing with a previous report may add one more).
            int seen = wakerEvents(13, Duration.ofSeconds(5));
            assertTrue(seen >= 1, "round " + round + ": wakes lost");
            while (wakerEvents(13, Duration.ZERO) > 0) {
                seen++;
            }
            assertTrue(seen <= threads, "round " + round + ": " + seen + " events for " + threads + " wakes");
        }
    }

    @Test
    void aSecondWakerIsRefusedUntilTheFirstCloses() throws IOException {
        Waker first = new Waker(poll.registry(), Token.of(14));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Waker(poll.registry(), Token.of(15)));
        assertTrue(e.getMessage().contains("already has a Waker"), e.getMessage());
        first.wake(); // pending, never reported: must not swallow the next waker's first wake
        first.close();
        assertThrows(IllegalStateException.class, first::wake);
        Waker second = new Waker(poll.registry(), Token.of(15));
        second.wake();
        poll.poll(events, Duration.ofSeconds(5));
        boolean sawSecond = false;
        for (Event event : events) {
            sawSecond |= event.token() == 15;
        }
        assertTrue(sawSecond, "the new waker's wake was lost: " + events);
    }

    @Test
    void wakerOnAClosedPollIsRefused() throws IOException {
        Registry registry = poll.registry();
        Waker waker = new Waker(registry, Token.of(16));
        poll.close();
        assertThrows(ClosedPollException.class, () -> new Waker(registry, Token.of(17)));
        assertThrows(ClosedPollException.class, waker::wake);
    }

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> new Waker(null, Token.of(1)));
        assertThrows(NullPointerException.class, () -> new Waker(poll.registry(), null));
    }
}
