package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Linux-specific faults: a signal interrupting {@code epoll_wait}, and leaks over many cycles. */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EpollFaultTest {
    /** Test-only binding to signal one thread. */
    public interface Pthread {
        long pthread_self();

        int pthread_kill(long thread, int sig);
    }

    private static final Pthread PTHREAD = LibraryLoader.create(Pthread.class).load("libc.so.6");
    /** SIGPIPE: HotSpot's handler ignores it, so delivering it only interrupts the system call. */
    private static final int SIGPIPE = 13;

    @Test
    void aSignalInterruptingEpollWaitReturnsNoEventsRatherThanFailing() throws Exception {
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            CountDownLatch started = new CountDownLatch(1);
            long[] tid = new long[1];
            ExecutorService poller = Executors.newSingleThreadExecutor();
            try {
                Future<long[]> result = poller.submit(() -> {
                    tid[0] = PTHREAD.pthread_self();
                    started.countDown();
                    long start = System.nanoTime();
                    int n = poll.poll(events, Duration.ofSeconds(30));
                    return new long[] {n, System.nanoTime() - start};
                });
                started.await();
                // Signal until the poll returns: the first signal may land before epoll_wait is entered.
                long[] r = null;
                for (int i = 0; i < 100 && r == null; i++) {
                    assertEquals(0, PTHREAD.pthread_kill(tid[0], SIGPIPE));
                    try {
                        r = result.get(100, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException notYet) {
                        // keep signalling
                    }
                }
                assertTrue(r != null, "epoll_wait was not interrupted by 100 signals");
                assertEquals(0, r[0], "an interrupted poll reports no events");
                assertTrue(r[1] < TimeUnit.SECONDS.toNanos(20), "the poll ran to its timeout instead of returning");
            } finally {
                poller.shutdownNow();
            }
            // Still usable.
            int[] p = Fds.pipe();
            try {
                poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
                Fds.write(p[1]);
                Expect.events(poll, events, Expect.readable(1));
            } finally {
                Fds.close(p);
            }
        }
    }

    @Test
    void hundredThousandCyclesLeakNoDescriptorsAndNoNativeMemory() throws IOException, InterruptedException {
        Events events = Events.withCapacity(4);
        cycles(1_000, events); // warm up: class loading, JIT, per-thread scratch memory
        long directBefore = directMemoryAfterGc();
        int fdsBefore = Fds.openFdCount();
        cycles(100_000, events);
        assertEquals(fdsBefore, Fds.openFdCount(), "descriptors leaked");
        long directAfter = directMemoryAfterGc();
        assertTrue(directAfter - directBefore < 64 * 1024,
                "direct memory grew from " + directBefore + " to " + directAfter + " bytes");
    }

    /** Each cycle: a Poll with a Waker and a registered pipe, one wake and one poll, all closed. */
    private static void cycles(int n, Events events) throws IOException {
        for (int i = 0; i < n; i++) {
            int[] p = Fds.pipe();
            try (Poll poll = Poll.open()) {
                Waker waker = new Waker(poll.registry(), Token.of(1));
                poll.registry().register(new SourceFd(p[0]), Token.of(2), Interest.READABLE);
                waker.wake();
                if (poll.poll(events, Duration.ofSeconds(5)) != 1) {
                    throw new AssertionError("cycle " + i + ": expected the waker's event, got " + events);
                }
                Events own = Events.withCapacity(2); // a fresh native array each cycle, freed by the GC
                poll.poll(own, Duration.ZERO);
                waker.close();
            } finally {
                Fds.close(p);
            }
        }
    }

    private static long directMemoryAfterGc() throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) { // direct buffers are freed by a cleaner after the GC finds them
            System.gc();
            Thread.sleep(50);
            long now = direct.getMemoryUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
