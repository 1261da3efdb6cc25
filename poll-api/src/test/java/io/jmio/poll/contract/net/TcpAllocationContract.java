package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Steady-state reads and writes on registered streams allocate nothing, heap or direct. */
public abstract class TcpAllocationContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final int CALLS = 10_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long sink;

    private void roundTrips(TcpPair pair, Poll poll, Events events, ByteBuffer out, ByteBuffer in,
                            ByteBuffer[] gather, ByteBuffer[] scatter, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            out.clear();
            sink += pair.client.write(out);
            poll.poll(events, Duration.ZERO);
            sink += events.size();
            in.clear();
            sink += pair.server.read(in);
            sink += pair.server.read(in);  // would block: 0
            sink += pair.server.lastReadDrained() ? 1 : 0;
            gather[0].clear();
            gather[1].clear();
            sink += pair.server.write(gather);
            scatter[0].clear();
            scatter[1].clear();
            sink += pair.client.read(scatter);
        }
    }

    private long measure(boolean direct) throws IOException {
        return measure(direct, false);
    }

    private long measure(boolean direct, boolean drainDetection) throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            if (drainDetection) {
                try {
                    pair.server.setDrainDetection(true);
                } catch (UnsupportedOperationException e) {
                    Assumptions.abort("no drain detection here: " + e.getMessage());
                }
            }
            poll.registry().register(pair.server, Token.of(1), Interest.READABLE);
            poll.registry().register(pair.client, Token.of(2), Interest.READABLE.add(Interest.WRITABLE));
            Events events = Events.withCapacity(8);
            ByteBuffer out = direct ? ByteBuffer.allocateDirect(64) : ByteBuffer.allocate(64);
            ByteBuffer in = direct ? ByteBuffer.allocateDirect(128) : ByteBuffer.allocate(128);
            ByteBuffer[] gather = {ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16)};
            ByteBuffer[] scatter = {ByteBuffer.allocateDirect(8), ByteBuffer.allocate(64)};
            // Warm-up, long enough for the JIT to settle; then three measured windows. A per-call
            // allocation would show in every window (10,000 x 16 bytes at least); the JVM may, rarely,
            // allocate a little on this thread for its own reasons, so the smallest window must be 0
            // and none may reach one byte per round.
            for (int i = 0; i < 3; i++) {
                roundTrips(pair, poll, events, out, in, gather, scatter, CALLS);
            }
            long thread = Thread.currentThread().getId();
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int window = 0; window < 3; window++) {
                long before = THREADS.getThreadAllocatedBytes(thread);
                roundTrips(pair, poll, events, out, in, gather, scatter, CALLS);
                long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
                min = Math.min(min, allocated);
                max = Math.max(max, allocated);
            }
            assertTrue(max < CALLS, "a window allocated " + max + " bytes: at least one per round");
            return min;
        }
    }

    @Test
    void shouldAllocateNothingReadingAndWritingDirectBuffers() throws IOException {
        assertTrue(THREADS.isThreadAllocatedMemorySupported());
        assertEquals(0, measure(true), "bytes allocated by the quietest of three windows of " + CALLS + " rounds of write/poll/read");
        assertTrue(sink > 0);
    }

    @Test
    void shouldAllocateNothingReadingWithDrainDetection() throws IOException {
        assertEquals(0, measure(true, true), "direct buffers, drain detection on (recvmsg and its control message)");
        assertEquals(0, measure(false, true), "heap buffers, drain detection on");
        assertTrue(sink > 0);
    }

    @Test
    void shouldAllocateNothingReadingAndWritingHeapBuffers() throws IOException {
        assertEquals(0, measure(false), "bytes allocated by the quietest of three windows of " + CALLS + " rounds of write/poll/read");
        assertTrue(sink > 0);
    }
}
