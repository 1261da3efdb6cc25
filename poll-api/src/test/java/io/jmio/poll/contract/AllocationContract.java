package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that the hot paths allocate nothing: the bytes this thread allocates (HotSpot's
 * {@code ThreadMXBean#getThreadAllocatedBytes}) around 10,000 calls after warm-up must not grow.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AllocationContract {
    private static final int WARMUP = 50_000;
    private static final int CALLS = 10_000;

    /** @return the backend under test */
    protected abstract PollBackend backend();

    /** @return how the backend's OS makes sources (Unix pipes by default; see {@link ContractSources}) */
    protected ContractSources sources() {
        return ContractSources.unix();
    }

    private Poll poll;
    private Events events;
    private ContractSources.Endpoint[] pipe;

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open(backend());
        events = Events.withCapacity(16);
        pipe = sources().pipe();
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        pipe[0].close();
        pipe[1].close();
    }

    /** One hot-path operation; the test checks that it allocates nothing. */
    @FunctionalInterface
    interface Op {
        void run() throws IOException;
    }

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) bean : null;
    }

    private static long allocatedBytes(Op op, int calls) throws IOException {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            op.run();
        }
        return THREADS.getThreadAllocatedBytes(id) - before;
    }

    private static void assertAllocatesNothing(String what, Op op) throws IOException {
        assumeTrue(THREADS != null && THREADS.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
        allocatedBytes(op, WARMUP);
        // Allow a few attempts: the first measurement may still see a late JIT deoptimisation.
        long bytes = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && bytes != 0; attempt++) {
            bytes = allocatedBytes(op, CALLS);
        }
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over " + CALLS + " calls");
    }

    @Test
    void pollWithNothingReadyAllocatesNothing() throws IOException {
        poll.registry().register(pipe[0].source(), Token.of(1), Interest.READABLE);
        assertAllocatesNothing("poll(ZERO) with nothing ready", () -> poll.poll(events, Duration.ZERO));
    }

    @Test
    void pollWithReadyEventsAndIterationAllocateNothing() throws IOException {
        poll.registry().register(pipe[0].source(), Token.of(2), Interest.READABLE, Trigger.LEVEL);
        pipe[1].write();
        long[] sink = new long[1];
        assertAllocatesNothing("poll with a ready event and iteration", () -> {
            poll.poll(events, Duration.ZERO);
            for (Event e : events) {
                sink[0] += e.token() + (e.isReadable() ? 1 : 0) + (e.isWritable() ? 1 : 0) + (e.isReadClosed() ? 1 : 0);
            }
            if (events.size() != 1) {
                throw new AssertionError("expected one event, got " + events.size());
            }
        });
    }

    @Test
    void pollWithASubMillisecondTimeoutAllocatesNothing() throws IOException {
        // A timeout with a fraction of a millisecond takes epoll_pwait2's path on Linux 5.11+; an event
        // is ready, so each poll returns at once.
        poll.registry().register(pipe[0].source(), Token.of(3), Interest.READABLE, Trigger.LEVEL);
        pipe[1].write();
        Duration timeout = Duration.ofNanos(300_000);
        assertAllocatesNothing("poll(300 µs) with a ready event", () -> {
            if (poll.poll(events, timeout) != 1) {
                throw new AssertionError("expected one event, got " + events.size());
            }
        });
    }

    @Test
    void wakeAndItsPollAllocateNothing() throws IOException {
        Waker waker = new Waker(poll.registry(), Token.of(3));
        assertAllocatesNothing("wake and poll", () -> {
            waker.wake();
            poll.poll(events, Duration.ZERO);
        });
    }

    @Test
    void reregisterAllocatesNothing() throws IOException {
        Source source = pipe[0].source();
        Token a = Token.of(4);
        Token b = Token.of(5);
        poll.registry().register(source, a, Interest.READABLE);
        long[] n = new long[1];
        assertAllocatesNothing("reregister", () -> poll.registry().reregister(source, (n[0]++ & 1) == 0 ? b : a,
                Interest.READABLE, Trigger.EDGE));
    }

    @Test
    void registerAndDeregisterAllocateNothing() throws IOException {
        Source source = pipe[0].source();
        Token token = Token.of(6);
        assertAllocatesNothing("register + deregister", () -> {
            poll.registry().register(source, token, Interest.READABLE);
            poll.registry().deregister(source);
        });
    }

    /** Tokens above {@link Token}'s cache (0..255) go down as numbers: nothing is boxed. */
    @Test
    void longTokenRegisterReregisterAndDeregisterAllocateNothing() throws IOException {
        Source source = pipe[0].source();
        long token = 1_000_000;
        assertAllocatesNothing("register/reregister/deregister with token " + token, () -> {
            poll.registry().register(source, token, Interest.READABLE);
            poll.registry().reregister(source, token + 1, Interest.READABLE, Trigger.LEVEL);
            poll.registry().reregister(source, token + 2, Interest.READABLE);
            poll.registry().deregister(source);
        });
    }
}
