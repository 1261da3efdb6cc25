package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registry calls and wakes from many threads while the owner polls: bounded in operations, every
 * wait bounded, checking that nothing is lost and nothing stale is reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ConcurrencyContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    /** @return how the backend's OS makes sources (Unix pipes by default; see {@link ContractSources}) */
    protected ContractSources sources() {
        return ContractSources.unix();
    }

    private Poll poll;
    private final List<ContractSources.Endpoint> opened = new ArrayList<>();

    private ContractSources.Endpoint[] pipe() throws IOException {
        ContractSources.Endpoint[] p = sources().pipe();
        opened.add(p[0]);
        opened.add(p[1]);
        return p;
    }

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open(backend());
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        for (ContractSources.Endpoint e : opened) {
            e.close();
        }
    }

    /**
     * Four threads register, reregister and deregister their own pipes (with fresh tokens each
     * round, data always waiting) while the owner polls. No poll may report a token whose deregister
     * had returned before that poll began.
     */
    @Test
    void noEventForATokenAfterItsDeregisterReturned() throws Exception {
        int threads = 4;
        int rounds = 2_000;
        Set<Long> deregistered = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ContractSources.Endpoint[] p = pipe();
            p[1].write(); // always readable
            long base = (t + 1L) << 32;
            workers.add(pool.submit(() -> {
                Registry registry = poll.registry().tryClone();
                Source source = p[0].source();
                go.await();
                for (int i = 0; i < rounds; i++) {
                    long token = base + 2L * i;
                    Trigger trigger = Trigger.values()[i % 3];
                    registry.register(source, Token.of(token), Interest.READABLE, trigger);
                    registry.reregister(source, Token.of(token + 1), Interest.READABLE, trigger);
                    registry.deregister(source);
                    deregistered.add(token);
                    deregistered.add(token + 1);
                }
                return null;
            }));
        }
        Events events = Events.withCapacity(16);
        go.countDown();
        while (!workers.stream().allMatch(Future::isDone)) {
            Set<Long> deadBefore = new HashSet<>(deregistered);
            poll.poll(events, Duration.ofMillis(1));
            for (Event e : events) {
                if (deadBefore.contains(e.token())) {
                    fail("event for token " + Long.toHexString(e.token()) + " whose deregister had returned: " + e);
                }
            }
        }
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertEquals(threads * rounds * 2, deregistered.size());
        // Everything is deregistered now: the data still waiting must not be reported.
        Set<Long> all = new HashSet<>(deregistered);
        poll.poll(events, Duration.ofMillis(50));
        for (Event e : events) {
            assertTrue(!all.contains(e.token()), "event after every deregister: " + e);
        }
    }

    /**
     * Eight threads wake 5,000 times each, publishing a counter first; the owner consumes the
     * counter on each waker event. If a wake were lost, the owner would wait forever for the last
     * values (the test's deadline fails it instead).
     */
    @Test
    void wakesFromEightThreadsAreNeverLost() throws Exception {
        int threads = 8;
        int wakes = 5_000;
        Waker waker = new Waker(poll.registry(), Token.of(1));
        AtomicLong produced = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            producers.add(pool.submit(() -> {
                for (int i = 0; i < wakes; i++) {
                    produced.incrementAndGet();
                    waker.wake();
                }
                return null;
            }));
        }
        Events events = Events.withCapacity(4);
        long consumed = 0;
        long wakeEvents = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long total = (long) threads * wakes;
        while (consumed < total) {
            if (System.nanoTime() > deadline) {
                fail("lost wake-up: consumed " + consumed + " of " + total + " after 60 s");
            }
            poll.poll(events, Duration.ofSeconds(5));
            for (Event e : events) {
                assertEquals(1, e.token());
                wakeEvents++;
                consumed = produced.get();
            }
        }
        for (Future<?> f : producers) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertEquals(total, consumed);
        assertTrue(wakeEvents >= 1 && wakeEvents <= total, "wake events: " + wakeEvents);
    }

    /** Closing a registered descriptor while another thread polls neither crashes nor reports it. */
    @Test
    void closingARegisteredDescriptorWhileAnotherThreadPolls() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 200; i++) {
                ContractSources.Endpoint[] p = pipe();
                poll.registry().register(p[0].source(), Token.of(500 + i), Interest.READABLE);
                Future<Integer> polled = other.submit(() -> {
                    Events events = Events.withCapacity(8);
                    return poll.poll(events, Duration.ofMillis(20));
                });
                p[0].close();
                p[1].close();
                int n = polled.get(10, TimeUnit.SECONDS);
                assertTrue(n >= 0);
            }
            // The poll still works after all that.
            ContractSources.Endpoint[] p = pipe();
            poll.registry().register(p[0].source(), Token.of(9), Interest.READABLE);
            p[1].write();
            Expect.events(poll, Events.withCapacity(8), Expect.readable(9));
        } finally {
            other.shutdownNow();
        }
    }
}
