package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kqueue selector's hot paths allocate nothing: poll, event iteration, wake, register,
 * reregister and deregister, measured with HotSpot's per-thread allocation counter around 10,000
 * calls after warm-up. The kernel is the allocation-free {@link ScriptedKqueueSystem} (the epoll
 * emulation allocates, so it cannot stand in here); what is measured is jmio's code down to the
 * {@code kevent} call, for the 32-byte (macOS) and 40-byte (NetBSD) layouts and both wakers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KqueueSelectorAllocationTest {
    private static final int WARMUP = 50_000;
    private static final int CALLS = 10_000;
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) bean : null;
    }

    @FunctionalInterface
    interface Op {
        void run() throws IOException;
    }

    private ScriptedKqueueSystem sys;
    private Poll poll;
    private final Events events = Events.withCapacity(16);

    private void open(KqueueAbi abi) throws IOException {
        sys = new ScriptedKqueueSystem(abi);
        sys.record = false;
        poll = Poll.open(new PollBackend() {
            @Override
            public String name() {
                return "kqueue";
            }

            @Override
            public boolean supportsCurrentOs() {
                return true;
            }

            @Override
            public Throwable unavailabilityCause() {
                return null;
            }

            @Override
            public Selector openSelector() throws IOException {
                return new KqueueSelector(sys);
            }
        });
    }

    @BeforeEach
    void setUp() throws IOException {
        open(KqueueAbi.DARWIN);
    }

    @AfterEach
    void tearDown() throws IOException {
        poll.close();
    }

    private static long allocated(Op op, int calls) throws IOException {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            op.run();
        }
        return THREADS.getThreadAllocatedBytes(id) - before;
    }

    private static void assertAllocatesNothing(String what, Op op) throws IOException {
        assumeTrue(THREADS != null && THREADS.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
        allocated(op, WARMUP);
        long bytes = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && bytes != 0; attempt++) {
            bytes = allocated(op, CALLS);
        }
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over " + CALLS + " calls");
    }

    @Test
    void shouldPollWithAndWithoutEventsWithoutAllocating() throws IOException {
        assertAllocatesNothing("poll(ZERO)", () -> poll.poll(events, Duration.ZERO));
        Duration oneNano = Duration.ofNanos(1);
        assertAllocatesNothing("poll(1 ns), a timespec written in place", () -> poll.poll(events, oneNano));
        sys.pollReady = true;
        sys.pollReadyToken = 77;
        long[] sink = new long[1];
        assertAllocatesNothing("poll with a ready event and iteration", () -> {
            poll.poll(events, Duration.ZERO);
            for (Event e : events) {
                sink[0] += e.token() + (e.isReadable() ? 1 : 0) + (e.isWritable() ? 1 : 0) + (e.isReadClosed() ? 1 : 0)
                        + (e.isError() ? 1 : 0) + (e.isAio() ? 1 : 0);
            }
            if (events.size() != 1) {
                throw new AssertionError("expected one event, got " + events.size());
            }
        });
    }

    @Test
    void shouldRegisterReregisterAndDeregisterWithoutAllocating() throws IOException {
        SourceFd source = new SourceFd(5);
        Token a = Token.of(4);
        Token b = Token.of(5);
        assertAllocatesNothing("register + deregister", () -> {
            poll.registry().register(source, a, Interest.READABLE.add(Interest.WRITABLE));
            poll.registry().deregister(source);
        });
        poll.registry().register(source, a, Interest.READABLE);
        long[] n = new long[1];
        assertAllocatesNothing("reregister", () -> poll.registry().reregister(source, (n[0]++ & 1) == 0 ? b : a,
                (n[0] & 2) == 0 ? Interest.READABLE : Interest.WRITABLE, (n[0] & 4) == 0 ? Trigger.EDGE : Trigger.ONESHOT));
    }

    /** The long-token overloads (tokens above Token's cache) and the trigger-keeping reregister. */
    @Test
    void shouldRegisterWithLongTokensWithoutAllocating() throws IOException {
        SourceFd source = new SourceFd(5);
        long token = 1_000_000;
        assertAllocatesNothing("register/reregister/deregister with token " + token, () -> {
            poll.registry().register(source, token, Interest.READABLE);
            poll.registry().reregister(source, token + 1, Interest.WRITABLE, Trigger.ONESHOT);
            poll.registry().reregister(source, token + 2, Interest.READABLE);
            poll.registry().deregister(source);
        });
    }

    @Test
    void shouldWakeWithoutAllocatingWithAUserEventOrAPipe() throws IOException {
        Waker waker = new Waker(poll.registry(), Token.of(3));
        assertAllocatesNothing("EVFILT_USER wake and poll", () -> {
            waker.wake();
            poll.poll(events, Duration.ZERO);
        });
        poll.close();
        open(KqueueAbi.NETBSD);
        Waker pipeWaker = new Waker(poll.registry(), Token.of(3));
        int before = sys.writes;
        assertAllocatesNothing("pipe wake and poll", () -> {
            pipeWaker.wake();
            poll.poll(events, Duration.ZERO);
        });
        assertTrue(sys.writes - before >= WARMUP + CALLS, "every wake after a poll writes to the pipe: " + (sys.writes - before));
    }
}
