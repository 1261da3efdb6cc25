package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpStream;

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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The socket version of {@code ConcurrencyContract}, everything at once: four threads register,
 * reregister and deregister the server ends of their own TCP connections (fresh tokens each round,
 * every trigger mode) while data flows through them, and eight threads hammer the {@link Waker},
 * all while the owner polls. No poll reports a token whose deregister returned before the poll
 * began; no wake is lost; every byte sent through the churning sockets arrives, checked, in order.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SocketConcurrencyTest {
    private static final long WAKER = Long.MIN_VALUE;

    @Test
    void registryChurnOnLiveSocketsWithWakesFromEightThreads() throws Exception {
        int churners = 4;
        int rounds = 1_500;
        int wakers = 8;
        int wakes = 5_000;
        Set<Long> deregistered = ConcurrentHashMap.newKeySet();
        AtomicLong produced = new AtomicLong();
        AtomicLong bytesChecked = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(churners + wakers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        List<TcpStream> streams = new ArrayList<>();
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), Token.of(WAKER))) {
            for (int t = 0; t < churners; t++) {
                TcpStream[] pair = Loopback.tcpPair();
                streams.add(pair[0]);
                streams.add(pair[1]);
                long base = (t + 1L) << 40;
                tasks.add(pool.submit(() -> {
                    Registry registry = poll.registry().tryClone();
                    Loopback.Sender out = new Loopback.Sender(base, Long.MAX_VALUE / 2);
                    Loopback.Receiver in = new Loopback.Receiver(base, Long.MAX_VALUE / 2);
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        long token = base + 2L * i;
                        Trigger trigger = Trigger.values()[i % 3];
                        registry.register(pair[1], Token.of(token), Interest.READABLE.add(Interest.WRITABLE), trigger);
                        out.pumpOnce(pair[0]);
                        registry.reregister(pair[1], Token.of(token + 1), Interest.READABLE, trigger);
                        out.pumpOnce(pair[0]);
                        registry.deregister(pair[1]);
                        deregistered.add(token);
                        deregistered.add(token + 1);
                        in.pump(pair[1]);
                    }
                    // Loopback delivery may lag the write under load: wait for the rest with a poll of our own.
                    try (Poll own = Poll.open()) {
                        own.registry().register(pair[1], Token.of(0), Interest.READABLE, Trigger.LEVEL);
                        Events ownEvents = Events.withCapacity(1);
                        for (int i = 0; i < 100 && in.received < out.sent; i++) {
                            own.poll(ownEvents, Duration.ofMillis(100));
                            in.pump(pair[1]);
                        }
                    }
                    assertEquals(out.sent, in.received, "bytes through the churning socket");
                    bytesChecked.addAndGet(in.received);
                    return null;
                }));
            }
            for (int t = 0; t < wakers; t++) {
                tasks.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < wakes; i++) {
                        produced.incrementAndGet();
                        waker.wake();
                    }
                    return null;
                }));
            }
            Events events = Events.withCapacity(64);
            long total = (long) wakers * wakes;
            long consumed = 0;
            long polls = 0;
            long socketEvents = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
            go.countDown();
            while (consumed < total || !tasks.stream().allMatch(Future::isDone)) {
                if (System.nanoTime() > deadline) {
                    fail("not finished after 75 s: consumed " + consumed + " of " + total + " wakes (a lost wake-up?)");
                }
                Set<Long> deadBefore = new HashSet<>(deregistered);
                poll.poll(events, Duration.ofMillis(100));
                polls++;
                for (Event e : events) {
                    if (e.token() == WAKER) {
                        consumed = produced.get();
                    } else if (deadBefore.contains(e.token())) {
                        fail("event for token " + Long.toHexString(e.token()) + " whose deregister had returned: " + e);
                    } else {
                        socketEvents++;
                    }
                }
                for (Future<?> f : tasks) {
                    if (f.isDone()) {
                        f.get(); // surface a worker's failure now
                    }
                }
            }
            assertEquals(total, consumed);
            assertEquals(churners * rounds * 2L, deregistered.size());
            assertTrue(bytesChecked.get() > 0);
            System.out.printf("[reliability] socket churn: %d registry operations, %d wakes, %d polls, %d socket events,"
                    + " %d bytes checked%n", churners * rounds * 3L, total, polls, socketEvents, bytesChecked.get());
        } finally {
            pool.shutdownNow();
            for (TcpStream s : streams) {
                s.close();
            }
        }
    }
}
