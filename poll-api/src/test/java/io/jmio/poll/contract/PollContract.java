package io.jmio.poll.contract;

import static io.jmio.poll.contract.Expect.readable;
import static io.jmio.poll.contract.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.ContractSources.Endpoint;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every backend must show, written once (after what mio's {@code tests/poll.rs},
 * {@code registering.rs}, {@code events.rs}, {@code interest.rs} and {@code regressions.rs} check) and
 * run by each backend module through a subclass that names its {@link PollBackend}.
 *
 * <p>All sources are real, made by the backend's {@link #sources()}: pipes and Unix socket pairs
 * through the POSIX layer on Unix, loopback TCP sockets on Windows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PollContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    /**
     * @return how this backend's OS makes the sources the contract registers: Unix descriptors unless
     *         a subclass says otherwise (the IOCP backend on Windows uses loopback TCP sockets)
     */
    protected ContractSources sources() {
        return ContractSources.unix();
    }

    /**
     * @return whether more data arriving on an edge-triggered source that was not yet drained is a new
     *         edge: true for epoll and kqueue; false for IOCP, whose edge mode (as mio's) keeps a
     *         reported interest off until an operation would block
     */
    protected boolean newDataIsANewEdge() {
        return true;
    }

    protected Poll poll;
    protected Events events;
    private final List<Endpoint> endpoints = new ArrayList<>();

    @BeforeEach
    void openPoll() throws IOException {
        poll = Poll.open(backend());
        events = Events.withCapacity(64);
    }

    @AfterEach
    void closeAll() throws IOException {
        poll.close();
        for (Endpoint e : endpoints) {
            e.close();
        }
    }

    /** A one-way pair ({@code [0]} reads what {@code [1]} writes) closed after the test. */
    protected Endpoint[] pipe() throws IOException {
        return track(sources().pipe());
    }

    /** A connected pair closed after the test. */
    protected Endpoint[] socketPair() throws IOException {
        return track(sources().socketPair());
    }

    private Endpoint[] track(Endpoint[] pair) {
        endpoints.add(pair[0]);
        endpoints.add(pair[1]);
        return pair;
    }

    /** Reads {@code e} dry and tells its edge-triggered registration so, as jmio's socket types do. */
    private long drainRegistered(Endpoint e) throws IOException {
        long n = e.drain();
        sources().wouldBlock(poll.registry(), e, Interest.READABLE);
        return n;
    }

    /** Review D8: a second thread polling while the owner is inside poll is refused, not let corrupt the Events. */
    @Test
    void secondConcurrentPollerIsRefused() throws Exception {
        io.jmio.poll.Waker waker = new io.jmio.poll.Waker(poll.registry(), Token.of(99));
        ExecutorService owner = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> blocked = owner.submit(() -> {
                int n = 0;
                do {
                    try {
                        n = poll.poll(events, Duration.ofSeconds(30)); // 0: a signal cut the wait short
                    } catch (IllegalStateException testThreadInside) {
                        // the test thread's own poll(ZERO) was inside at that moment: try again
                    }
                } while (n == 0);
                return n;
            });
            Events other = Events.withCapacity(4);
            IllegalStateException refused = null;
            for (long end = System.nanoTime() + 10_000_000_000L; refused == null && !blocked.isDone()
                    && System.nanoTime() < end; ) {
                try {
                    poll.poll(other, Duration.ZERO); // succeeds until the owner is inside its poll
                } catch (IllegalStateException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "a concurrent poll was never refused");
            assertTrue(refused.getMessage().contains("another thread is polling"), refused.getMessage());
            waker.wake();
            assertEquals(1, blocked.get(10, TimeUnit.SECONDS), "the owner's poll returns the waker's event");
            assertEquals(0, poll.poll(other, Duration.ZERO), "polling works again once the owner left");
        } finally {
            waker.close();
            owner.shutdownNow();
        }
    }

    @Test
    void pollWithNothingRegisteredHonoursTimeout() throws IOException {
        long start = System.nanoTime();
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 95, "returned after " + tookMillis + " ms, before its 100 ms timeout");
        assertTrue(events.isEmpty());
    }

    @Test
    void zeroTimeoutReturnsReadyEvents() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(1), Interest.READABLE);
        p[1].write();
        // The write is complete before the poll, so the kernel has the event ready; ZERO asks once.
        assertEquals(1, poll.poll(events, Duration.ZERO));
        assertEquals(1, events.get(0).token());
        assertTrue(events.get(0).isReadable());
    }

    @Test
    void subMillisecondTimeoutWaitsRatherThanSpinning() throws IOException {
        long start = System.nanoTime();
        assertEquals(0, poll.poll(events, Duration.ofNanos(100_000)));
        assertTrue(System.nanoTime() - start >= 100_000, "a 100 us timeout returned early");
    }

    @Test
    void edgeTriggeredReportsOnceUntilNewData() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(2), Interest.READABLE);
        p[1].write();
        Expect.events(poll, events, readable(2));
        Expect.noEvents(poll, events); // data still unread: no new edge
        p[1].write();
        if (newDataIsANewEdge()) {
            Expect.events(poll, events, readable(2)); // new data: new edge
        } else {
            Expect.noEvents(poll, events); // IOCP: no new edge before a read would block
        }
        assertEquals(2, drainRegistered(p[0]));
        Expect.noEvents(poll, events);
        p[1].write();
        Expect.events(poll, events, readable(2));
    }

    @Test
    void levelTriggeredRepeatsWhileDataStaysUnread() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(3), Interest.READABLE, Trigger.LEVEL);
        p[1].write();
        for (int i = 0; i < 3; i++) {
            Expect.events(poll, events, readable(3));
        }
        p[0].drain();
        Expect.noEvents(poll, events);
    }

    @Test
    void oneshotReportsOnceUntilReregistered() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        poll.registry().register(source, Token.of(4), Interest.READABLE, Trigger.ONESHOT);
        p[1].write();
        Expect.events(poll, events, readable(4));
        p[1].write();
        Expect.noEvents(poll, events);
        poll.registry().reregister(source, Token.of(5), Interest.READABLE, Trigger.ONESHOT);
        Expect.events(poll, events, readable(5));
        Expect.noEvents(poll, events);
    }

    /**
     * The three-argument reregister keeps the trigger: a oneshot registration re-armed with it reports
     * once more and then stays silent, where an edge-triggered one (what this form used to switch it
     * to) would report the next write too.
     */
    @Test
    void threeArgumentReregisterKeepsOneshot() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        poll.registry().register(source, Token.of(4), Interest.READABLE, Trigger.ONESHOT);
        p[1].write();
        Expect.events(poll, events, readable(4));
        poll.registry().reregister(source, Token.of(5), Interest.READABLE);
        Expect.events(poll, events, readable(5));
        drainRegistered(p[0]);
        p[1].write();
        Expect.noEvents(poll, events);
        poll.registry().reregister(source, 6L, Interest.READABLE);
        Expect.events(poll, events, readable(6));
        Expect.noEvents(poll, events);
    }

    /** The three-argument reregister keeps a level trigger too (it used to make it edge-triggered). */
    @Test
    void threeArgumentReregisterKeepsLevel() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        poll.registry().register(source, Token.of(7), Interest.READABLE, Trigger.LEVEL);
        p[1].write();
        Expect.events(poll, events, readable(7));
        poll.registry().reregister(source, Token.of(8), Interest.READABLE);
        for (int i = 0; i < 3; i++) {
            Expect.events(poll, events, readable(8));
        }
    }

    @Test
    void writableSocketReportsWritable() throws IOException {
        Endpoint[] s = socketPair();
        poll.registry().register(s[0].source(), Token.of(6), Interest.WRITABLE);
        Expect.events(poll, events, writable(6));
    }

    @Test
    void reregisterReplacesTokenAndInterest() throws IOException {
        Endpoint[] s = socketPair();
        Source source = s[0].source();
        poll.registry().register(source, Token.of(10), Interest.READABLE);
        Expect.noEvents(poll, events); // nothing to read yet
        poll.registry().reregister(source, Token.of(11), Interest.WRITABLE);
        List<String> seen = Expect.events(poll, events, writable(11));
        assertTrue(seen.stream().noneMatch(e -> e.contains("token=10")), "old token still reported: " + seen);
        s[1].write();
        Expect.noEventsFor(poll, events, 10); // readable interest was replaced
    }

    @Test
    void reregisterCanAddInterest() throws IOException {
        Endpoint[] s = socketPair();
        Source source = s[0].source();
        poll.registry().register(source, Token.of(12), Interest.READABLE);
        s[1].write();
        Expect.events(poll, events, readable(12));
        poll.registry().reregister(source, Token.of(12), Interest.READABLE.add(Interest.WRITABLE));
        Expect.events(poll, events, writable(12));
    }

    @Test
    void deregisterStopsEventsEvenWhenDataArrives() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        poll.registry().register(source, Token.of(13), Interest.READABLE);
        poll.registry().deregister(source);
        p[1].write();
        Expect.noEvents(poll, events);
    }

    @Test
    void registerDeregisterRegisterGivesNoStaleEvent() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        p[1].write();
        poll.registry().register(source, Token.of(14), Interest.READABLE);
        poll.registry().deregister(source);
        poll.registry().register(source, Token.of(15), Interest.READABLE);
        List<String> seen = Expect.events(poll, events, readable(15));
        assertTrue(seen.stream().noneMatch(e -> e.contains("token=14")), "stale token reported: " + seen);
        Expect.noEvents(poll, events);
    }

    @Test
    void moreReadySourcesThanCapacityAreReportedOverSeveralPolls() throws IOException {
        Events small = Events.withCapacity(2);
        Set<Long> pending = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Endpoint[] p = pipe();
            poll.registry().register(p[0].source(), Token.of(100 + i), Interest.READABLE);
            p[1].write();
            pending.add(100L + i);
        }
        for (int round = 0; round < 10 && !pending.isEmpty(); round++) {
            int n = poll.poll(small, Duration.ofSeconds(1));
            assertTrue(n <= 2, "returned " + n + " events into a capacity of 2");
            for (Event e : small) {
                pending.remove(e.token());
            }
        }
        assertTrue(pending.isEmpty(), "never reported: " + pending);
    }

    @Test
    void eventsOfAPollReplaceThoseOfThePrevious() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(16), Interest.READABLE);
        p[1].write();
        Expect.events(poll, events, readable(16));
        assertEquals(0, poll.poll(events, Duration.ZERO));
        assertTrue(events.isEmpty());
        assertFalse(events.iterator().hasNext());
    }

    @Test
    void registerFromAnotherThreadWakesABlockedPoll() throws Exception {
        Endpoint[] p = pipe();
        p[1].write();
        Registry registry = poll.registry().tryClone();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> registered = other.submit(() -> {
                Thread.sleep(50); // let the owner block first; correctness does not depend on it
                registry.register(p[0].source(), Token.of(17), Interest.READABLE);
                return null;
            });
            long start = System.nanoTime();
            int n = poll.poll(events, Duration.ofSeconds(10));
            assertTrue(n >= 1, "poll returned no event");
            assertEquals(17, events.get(0).token());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the poll did not return promptly");
            registered.get(5, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void registryIsUsableFromThreeThreadsAtOnce() throws Exception {
        int threads = 3;
        Endpoint[][] pipes = new Endpoint[threads][];
        for (int t = 0; t < threads; t++) {
            pipes[t] = pipe();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    Registry registry = poll.registry().tryClone();
                    Source source = pipes[id][0].source();
                    start.await();
                    for (int i = 0; i < 1000; i++) {
                        registry.register(source, Token.of(200 + id), Interest.READABLE);
                        registry.reregister(source, Token.of(300 + id), Interest.READABLE, Trigger.LEVEL);
                        registry.deregister(source);
                    }
                    registry.register(source, Token.of(400 + id), Interest.READABLE);
                    return null;
                }));
            }
            start.countDown();
            // The owner keeps polling meanwhile; nothing is ready, so nothing may be reported.
            while (!done.stream().allMatch(Future::isDone)) {
                poll.poll(events, Duration.ofMillis(10));
                assertTrue(events.isEmpty(), "event with nothing written: " + events);
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < threads; t++) {
            pipes[t][1].write();
        }
        Expect.events(poll, events, readable(400), readable(401), readable(402));
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedPoll() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> closed = other.submit(() -> {
                Thread.sleep(100);
                poll.close();
                return null;
            });
            long start = System.nanoTime();
            ClosedPollException e = assertThrows(ClosedPollException.class, () -> poll.poll(events, null));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "poll did not return promptly");
            closed.get(5, TimeUnit.SECONDS);
            assertTrue(poll.isClosed());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void openPollCloseCyclesLeakNoDescriptors() throws IOException {
        for (int i = 0; i < 50; i++) { // warm up class loading and lazily opened JDK descriptors
            Poll.open(backend()).close();
        }
        System.gc(); // let the JDK close descriptors of earlier tests' garbage now, not during the loop
        int before = sources().openHandleCount();
        assumeTrue(before >= 0, "this OS's open handles cannot be counted");
        Events e = Events.withCapacity(4);
        for (int i = 0; i < 2000; i++) {
            try (Poll p = Poll.open(backend())) {
                p.poll(e, Duration.ZERO);
            }
        }
        int after = sources().openHandleCount();
        // A poll that leaked would raise the count by 2000 (or by a share of it): the JDK's and other
        // threads' descriptors opened or closed meanwhile (a Cleaner closing an earlier test's garbage, a
        // lazily opened file) move it by a few at most, so up to 10 (0.5 % of the cycles) is drift.
        assertTrue(after - before <= 10, "descriptors leaked by 2000 open/poll/close cycles: " + before + " -> " + after);
    }

    // ---- errors and bad input: each leaves the poll usable -------------------------------------

    /** Asserts that the poll still registers and reports events. */
    protected void assertStillUsable() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(999), Interest.READABLE);
        p[1].write();
        Expect.events(poll, events, readable(999));
    }

    @Test
    void registeringTwiceFailsWithEexist() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        poll.registry().register(source, Token.of(1), Interest.READABLE);
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(source, Token.of(2), Interest.READABLE));
        assertEquals("EEXIST", e.errnoName());
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void reregisterOfUnregisteredFailsWithEnoent() throws IOException {
        Endpoint[] p = pipe();
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().reregister(p[0].source(), Token.of(1), Interest.READABLE));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void deregisterOfUnregisteredFailsWithEnoent() throws IOException {
        Endpoint[] p = pipe();
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().deregister(p[0].source()));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void registeringAClosedDescriptorFailsWithEbadf() throws IOException {
        Source closed = sources().closedSource();
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(closed, Token.of(1), Interest.READABLE));
        assertEquals("EBADF", e.errnoName());
        assertStillUsable();
    }

    @Test
    void nullArgumentsAreRefusedByName() throws IOException {
        Endpoint[] p = pipe();
        Source source = p[0].source();
        Registry r = poll.registry();
        assertEquals("source", assertThrows(NullPointerException.class, () -> r.register(null, Token.of(1), Interest.READABLE)).getMessage());
        assertEquals("token", assertThrows(NullPointerException.class, () -> r.register(source, null, Interest.READABLE)).getMessage());
        assertEquals("interests", assertThrows(NullPointerException.class, () -> r.register(source, Token.of(1), null)).getMessage());
        assertEquals("trigger", assertThrows(NullPointerException.class, () -> r.register(source, Token.of(1), Interest.READABLE, null)).getMessage());
        assertEquals("source", assertThrows(NullPointerException.class, () -> r.deregister(null)).getMessage());
        assertEquals("events", assertThrows(NullPointerException.class, () -> poll.poll(null, Duration.ZERO)).getMessage());
        assertStillUsable();
    }

    @Test
    void negativeTimeoutIsRefused() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> poll.poll(events, Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void invalidCapacitiesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(-5));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(Integer.MAX_VALUE));
    }

    @Test
    void pollAfterCloseThrowsAndCloseIsIdempotent() throws IOException {
        Registry registry = poll.registry();
        poll.close();
        poll.close();
        assertTrue(poll.isClosed());
        assertThrows(ClosedPollException.class, () -> poll.poll(events, Duration.ZERO));
        Endpoint[] p = pipe();
        assertThrows(ClosedPollException.class, () -> registry.register(p[0].source(), Token.of(1), Interest.READABLE));
        assertThrows(ClosedPollException.class, registry::tryClone);
    }

    @Test
    void tryCloneSharesThePoll() throws IOException {
        Endpoint[] p = pipe();
        Registry clone = poll.registry().tryClone();
        assertEquals(poll.backendName(), clone.backendName());
        clone.register(p[0].source(), Token.of(20), Interest.READABLE);
        p[1].write();
        Expect.events(poll, events, readable(20));
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(p[0].source(), Token.of(21), Interest.READABLE));
        assertEquals("EEXIST", e.errnoName());
    }

    @Test
    void readClosedWhenThePipeWriterCloses() throws IOException {
        Endpoint[] p = pipe();
        poll.registry().register(p[0].source(), Token.of(30), Interest.READABLE);
        p[1].close();
        Expect.events(poll, events, Expect.readClosed(30));
    }

    @Test
    void writableAgainAfterTheBufferDrains() throws IOException {
        Endpoint[] s = socketPair();
        poll.registry().register(s[0].source(), Token.of(31), Interest.WRITABLE);
        Expect.events(poll, events, writable(31));
        s[0].fill();
        sources().wouldBlock(poll.registry(), s[0], Interest.WRITABLE);
        Expect.noEventsFor(poll, events, 31);
        s[1].drain();
        Expect.events(poll, events, writable(31));
    }
}
