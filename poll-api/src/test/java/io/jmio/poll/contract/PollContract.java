package io.jmio.poll.contract;

import static io.jmio.poll.contract.Expect.readable;
import static io.jmio.poll.contract.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
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
 * <p>All descriptors are real: pipes and Unix socket pairs made through the POSIX layer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PollContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    protected Poll poll;
    protected Events events;
    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void openPoll() throws IOException {
        poll = Poll.open(backend());
        events = Events.withCapacity(64);
    }

    @AfterEach
    void closeAll() throws IOException {
        poll.close();
        for (int fd : fds) {
            Fds.close(fd);
        }
    }

    /** A pipe whose ends are closed after the test. */
    protected int[] pipe() throws IOException {
        int[] p = Fds.pipe();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
    }

    /** A socket pair closed after the test. */
    protected int[] socketPair() throws IOException {
        int[] p = Fds.socketPair();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
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
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
        Fds.write(p[1]);
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
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(2), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(2));
        Expect.noEvents(poll, events); // data still unread: no new edge
        Fds.write(p[1]);
        Expect.events(poll, events, readable(2)); // new data: new edge
        assertEquals(2, Fds.drain(p[0]));
        Expect.noEvents(poll, events);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(2));
    }

    @Test
    void levelTriggeredRepeatsWhileDataStaysUnread() throws IOException {
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(3), Interest.READABLE, Trigger.LEVEL);
        Fds.write(p[1]);
        for (int i = 0; i < 3; i++) {
            Expect.events(poll, events, readable(3));
        }
        Fds.drain(p[0]);
        Expect.noEvents(poll, events);
    }

    @Test
    void oneshotReportsOnceUntilReregistered() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
        poll.registry().register(source, Token.of(4), Interest.READABLE, Trigger.ONESHOT);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(4));
        Fds.write(p[1]);
        Expect.noEvents(poll, events);
        poll.registry().reregister(source, Token.of(5), Interest.READABLE, Trigger.ONESHOT);
        Expect.events(poll, events, readable(5));
        Expect.noEvents(poll, events);
    }

    @Test
    void writableSocketReportsWritable() throws IOException {
        int[] s = socketPair();
        poll.registry().register(new SourceFd(s[0]), Token.of(6), Interest.WRITABLE);
        Expect.events(poll, events, writable(6));
    }

    @Test
    void reregisterReplacesTokenAndInterest() throws IOException {
        int[] s = socketPair();
        SourceFd source = new SourceFd(s[0]);
        poll.registry().register(source, Token.of(10), Interest.READABLE);
        Expect.noEvents(poll, events); // nothing to read yet
        poll.registry().reregister(source, Token.of(11), Interest.WRITABLE);
        List<String> seen = Expect.events(poll, events, writable(11));
        assertTrue(seen.stream().noneMatch(e -> e.contains("token=10")), "old token still reported: " + seen);
        Fds.write(s[1]);
        Expect.noEventsFor(poll, events, 10); // readable interest was replaced
    }

    @Test
    void reregisterCanAddInterest() throws IOException {
        int[] s = socketPair();
        SourceFd source = new SourceFd(s[0]);
        poll.registry().register(source, Token.of(12), Interest.READABLE);
        Fds.write(s[1]);
        Expect.events(poll, events, readable(12));
        poll.registry().reregister(source, Token.of(12), Interest.READABLE.add(Interest.WRITABLE));
        Expect.events(poll, events, writable(12));
    }

    @Test
    void deregisterStopsEventsEvenWhenDataArrives() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
        poll.registry().register(source, Token.of(13), Interest.READABLE);
        poll.registry().deregister(source);
        Fds.write(p[1]);
        Expect.noEvents(poll, events);
    }

    @Test
    void registerDeregisterRegisterGivesNoStaleEvent() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
        Fds.write(p[1]);
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
            int[] p = pipe();
            poll.registry().register(new SourceFd(p[0]), Token.of(100 + i), Interest.READABLE);
            Fds.write(p[1]);
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
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(16), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(16));
        assertEquals(0, poll.poll(events, Duration.ZERO));
        assertTrue(events.isEmpty());
        assertFalse(events.iterator().hasNext());
    }

    @Test
    void registerFromAnotherThreadWakesABlockedPoll() throws Exception {
        int[] p = pipe();
        Fds.write(p[1]);
        Registry registry = poll.registry().tryClone();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> registered = other.submit(() -> {
                Thread.sleep(50); // let the owner block first; correctness does not depend on it
                registry.register(new SourceFd(p[0]), Token.of(17), Interest.READABLE);
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
        int[][] pipes = new int[threads][];
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
                    SourceFd source = new SourceFd(pipes[id][0]);
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
            Fds.write(pipes[t][1]);
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
        int before = Fds.openFdCount();
        Events e = Events.withCapacity(4);
        for (int i = 0; i < 2000; i++) {
            try (Poll p = Poll.open(backend())) {
                p.poll(e, Duration.ZERO);
            }
        }
        int after = Fds.openFdCount();
        // A leak can only raise the count; the JDK may still close one of its own meanwhile.
        assertTrue(after <= before, "descriptors leaked by 2000 open/poll/close cycles: " + before + " -> " + after);
    }

    // ---- errors and bad input: each leaves the poll usable -------------------------------------

    /** Asserts that the poll still registers and reports events. */
    protected void assertStillUsable() throws IOException {
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(999), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(999));
    }

    @Test
    void registeringTwiceFailsWithEexist() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
        poll.registry().register(source, Token.of(1), Interest.READABLE);
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(source, Token.of(2), Interest.READABLE));
        assertEquals("EEXIST", e.errnoName());
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void reregisterOfUnregisteredFailsWithEnoent() throws IOException {
        int[] p = pipe();
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().reregister(new SourceFd(p[0]), Token.of(1), Interest.READABLE));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void deregisterOfUnregisteredFailsWithEnoent() throws IOException {
        int[] p = pipe();
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().deregister(new SourceFd(p[0])));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        assertStillUsable();
    }

    @Test
    void registeringAClosedDescriptorFailsWithEbadf() throws IOException {
        int[] p = Fds.pipe();
        Fds.close(p[0], p[1]);
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE));
        assertEquals("EBADF", e.errnoName());
        assertStillUsable();
    }

    @Test
    void nullArgumentsAreRefusedByName() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
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
        int[] p = pipe();
        assertThrows(ClosedPollException.class, () -> registry.register(new SourceFd(p[0]), Token.of(1), Interest.READABLE));
        assertThrows(ClosedPollException.class, registry::tryClone);
    }

    @Test
    void tryCloneSharesThePoll() throws IOException {
        int[] p = pipe();
        Registry clone = poll.registry().tryClone();
        assertEquals(poll.backendName(), clone.backendName());
        clone.register(new SourceFd(p[0]), Token.of(20), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(20));
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(new SourceFd(p[0]), Token.of(21), Interest.READABLE));
        assertEquals("EEXIST", e.errnoName());
    }

    @Test
    void readClosedWhenThePipeWriterCloses() throws IOException {
        int[] p = Fds.pipe();
        fds.add(p[0]);
        poll.registry().register(new SourceFd(p[0]), Token.of(30), Interest.READABLE);
        Fds.close(p[1]);
        Expect.events(poll, events, Expect.readClosed(30));
    }

    @Test
    void writableAgainAfterTheBufferDrains() throws IOException {
        int[] s = socketPair();
        poll.registry().register(new SourceFd(s[0]), Token.of(31), Interest.WRITABLE);
        Expect.events(poll, events, writable(31));
        Fds.fill(s[0]);
        Expect.noEventsFor(poll, events, 31);
        Fds.drain(s[1]);
        Expect.events(poll, events, writable(31));
    }
}
