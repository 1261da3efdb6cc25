package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The emulated port's concurrency gate (Microsoft, "I/O Completion Ports"): a thread that has waited
 * on a port stays associated with it, and while as many associated threads as the concurrency value
 * are running, a further waiter gets no packet. With the value 1, a second thread's wait is held back
 * by a first thread that merely waited earlier and is still running; with 0, the value jmio passes
 * (as mio and wepoll), it is not.
 */
@EnabledOnOs(OS.LINUX)
class EmulatedPortConcurrencyTest {
    private final EmulatedIocp iocp = new EmulatedIocp();
    private final ByteBuffer entries = NativeMemory.allocate(4 * OverlappedEntryDescriptor.SIZE + 8);
    private final long entriesAt = NativeMemory.address(entries);

    /** @return what a second thread's wait of {@code millis} gets while a first associated thread runs */
    private int secondWaiterGets(int concurrency, int millis) throws Exception {
        long port = iocp.createPort(concurrency);
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger stop = new AtomicInteger();
        Thread first = new Thread(() -> {
            ByteBuffer own = NativeMemory.allocate(OverlappedEntryDescriptor.SIZE + 8);
            long at = NativeMemory.address(own);
            try {
                iocp.postQueuedCompletionStatus(port, 0, 1, 1);
                iocp.getQueuedCompletionStatusEx(port, at, 1, at + OverlappedEntryDescriptor.SIZE, 1000);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            running.countDown();
            long spins = 0;
            while (stop.get() == 0) {
                spins++; // runnable, associated with the port, not waiting on it
            }
            own.put(0, (byte) spins);
        });
        first.start();
        try {
            running.await(5, TimeUnit.SECONDS);
            iocp.postQueuedCompletionStatus(port, 0, 2, 2);
            return iocp.getQueuedCompletionStatusEx(port, entriesAt, 4, entriesAt + 4 * OverlappedEntryDescriptor.SIZE, millis);
        } finally {
            stop.set(1);
            first.join(5000);
            iocp.closeHandle(port);
        }
    }

    @Test
    void concurrencyOneHoldsBackASecondWaiterWhileTheFirstRuns() throws Exception {
        assertEquals(0, secondWaiterGets(1, 200), "the packet must wait for the running thread");
    }

    @Test
    void concurrencyZeroReleasesTheSecondWaiterAtOnce() throws Exception {
        assertEquals(1, secondWaiterGets(0, 2000));
    }

    @Test
    void theHeldPacketIsReleasedOnceTheFirstThreadIsGone() throws Exception {
        long port = iocp.createPort(1);
        Thread first = new Thread(() -> {
            ByteBuffer own = NativeMemory.allocate(OverlappedEntryDescriptor.SIZE + 8);
            long at = NativeMemory.address(own);
            try {
                iocp.getQueuedCompletionStatusEx(port, at, 1, at + OverlappedEntryDescriptor.SIZE, 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        first.start();
        first.join(5000);
        iocp.postQueuedCompletionStatus(port, 0, 2, 2);
        assertEquals(1, iocp.getQueuedCompletionStatusEx(port, entriesAt, 4, entriesAt + 4 * OverlappedEntryDescriptor.SIZE, 2000),
                "an exited thread is no longer associated");
        iocp.closeHandle(port);
    }
}
