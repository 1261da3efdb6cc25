package io.jmio.poll.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The guard's life cycle on a fake handle: who closes, when, and what hand-back waits for. */
class HandleGuardTest {
    /** A guard over a fake handle that counts its closes. */
    private static final class Counting extends HandleGuard {
        final AtomicInteger closes = new AtomicInteger();

        Counting() {
            super(42);
        }

        @Override
        protected Source source() {
            return new SourceFd(42);
        }

        @Override
        protected void closeHandle(long handle) {
            closes.incrementAndGet();
        }

        @Override
        protected String describe() {
            return "handle 42";
        }
    }

    @Test
    void theLastOneOutClosesOnce() throws IOException {
        Counting g = new Counting();
        g.acquire();
        g.close();
        assertEquals(0, g.closes.get(), "closed under an operation in flight");
        assertThrows(ClosedChannelException.class, g::acquire);
        g.release();
        assertEquals(1, g.closes.get());
        g.close();
        assertEquals(1, g.closes.get(), "closed twice");
    }

    @Test
    void detachWaitsForOperationsInFlightAndNeverCloses() throws Exception {
        Counting g = new Counting();
        assertEquals(42, g.acquire());
        CompletableFuture<Long> detached = CompletableFuture.supplyAsync(() -> {
            try {
                return g.detach();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> detached.get(200, TimeUnit.MILLISECONDS),
                "detach returned while an operation still held the handle");
        assertTrue(g.isClosed(), "operations starting after detach must fail");
        assertThrows(ClosedChannelException.class, g::acquire);
        g.release();
        assertEquals(42L, detached.get(10, TimeUnit.SECONDS));
        assertEquals(0, g.closes.get(), "a handed-back handle must stay open");
        g.close();
        assertEquals(0, g.closes.get());
        assertThrows(ClosedChannelException.class, g::detach);
    }

    @Test
    void detachAfterCloseIsRefused() throws IOException {
        Counting g = new Counting();
        g.close();
        assertEquals(1, g.closes.get());
        assertThrows(ClosedChannelException.class, g::detach);
        assertFalse(g.closes.get() > 1);
    }
}
