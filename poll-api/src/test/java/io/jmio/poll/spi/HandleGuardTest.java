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

    /** A completion queue stand-in that records what close told it. */
    private static final class Queue implements HandleGuard.Owner {
        final AtomicInteger told = new AtomicInteger();

        @Override
        public void closed(HandleGuard guard) {
            told.incrementAndGet();
        }
    }

    @Test
    void aHandleBelongsToOneOwnerWhileItHasClaims() throws IOException {
        Counting g = new Counting();
        Queue a = new Queue();
        Queue b = new Queue();
        g.claim(a);
        g.claim(a);
        assertEquals(2, g.claims(a));
        assertEquals(0, g.claims(b));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.claim(b));
        assertTrue(e.getMessage().contains("handle 42"), e.getMessage());
        assertEquals(2, g.claims(a), "the refusal changed nothing");
        g.unclaim();
        g.unclaim();
        g.claim(b); // a has nothing in flight: b takes it over
        assertEquals(1, g.claims(b));
        assertEquals(0, g.claims(a));
        g.unclaim();
        g.disown(b);
        g.claim(a);
        assertEquals(1, g.claims(a));
        g.unclaim();
        g.close();
        assertThrows(ClosedChannelException.class, () -> g.claim(b), "closed, not owned elsewhere");
        assertEquals(0, g.claims(b));
    }

    @Test
    void closeTellsTheOwnerOnlyWhileItHasClaims() throws IOException {
        Queue q = new Queue();
        Counting idle = new Counting();
        idle.claim(q);
        idle.unclaim(); // the owner stays, with nothing in flight
        idle.close();
        assertEquals(0, q.told.get(), "nothing in flight: nothing to cancel");
        assertEquals(1, idle.closes.get());
        Counting busy = new Counting();
        busy.claim(q);
        busy.acquire();
        busy.close();
        assertEquals(1, q.told.get(), "told once");
        assertEquals(0, busy.closes.get(), "the operation in flight holds the handle");
        busy.unclaim();
        busy.release();
        assertEquals(1, busy.closes.get());
        busy.close();
        assertEquals(1, q.told.get(), "a second close tells nobody");
    }
}
