package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The registration table's bookkeeping, without a kernel. */
class RegistrationsTest {
    @Test
    void shouldMoveTheGenerationOnAtEveryRegistrationAndRemoval() {
        Registrations t = new Registrations();
        assertFalse(t.has(5));
        t.put(5, Registrations.EDGE, 1, 42L, 7L, 8L);
        int first = t.generation(5);
        assertTrue(t.has(5) && t.current(5, first) && t.sameFile(5, 7L, 8L) && !t.sameFile(5, 7L, 9L));
        assertEquals(42L, t.token(5));
        assertEquals(1, t.size());
        t.put(5, Registrations.LEVEL, 4, 43L, 7L, 8L); // a reregister
        assertFalse(t.current(5, first), "a completion of the first arming must now be stale");
        assertEquals(1, t.size());
        int second = t.generation(5);
        t.remove(5);
        assertFalse(t.has(5) || t.current(5, second));
        assertEquals(0, t.size());
        t.put(5, Registrations.EDGE, 1, 44L, 7L, 8L);
        assertFalse(t.current(5, second), "a registration after a removal must not match the removed one's completions");
    }

    @Test
    void shouldQueueWorkOncePerDescriptorAndKeepTheMarkAcrossRemoval() {
        Registrations t = new Registrations();
        t.put(3, Registrations.EDGE, 1, 1L, 0L, 0L);
        t.enqueue(3, Registrations.ADD);
        t.enqueue(3, Registrations.ADD);
        t.remove(3);
        t.put(3, Registrations.EDGE, 1, 2L, 0L, 0L);
        t.enqueue(3, Registrations.ADD); // still queued from before the removal: not queued twice
        t.enqueue(3, Registrations.UPDATE);
        assertEquals(2, t.queued());
        assertEquals(((long) Registrations.ADD << 32) | 3, t.queuedAt(0));
        assertEquals(((long) Registrations.UPDATE << 32) | 3, t.queuedAt(1));
        t.clear(3, Registrations.ADD_QUEUED);
        t.dequeue(1);
        assertEquals(1, t.queued());
        assertEquals(((long) Registrations.UPDATE << 32) | 3, t.queuedAt(0));
    }

    @Test
    void shouldTrackTheUserDataTheKernelHolds() {
        Registrations t = new Registrations();
        t.put(9, Registrations.EDGE, 1, 1L, 0L, 0L);
        t.wroteAdd(9, 100);
        int g1 = t.generation(9);
        assertTrue(t.is(9, Registrations.LIVE));
        assertEquals(g1, t.kernelGen(9));
        assertEquals(100, t.writtenTail(9));
        t.put(9, Registrations.EDGE, 1, 2L, 0L, 0L);
        assertTrue(t.is(9, Registrations.LIVE), "a reregister keeps the request");
        t.wroteUpdate(9, 101);
        assertEquals(t.generation(9), t.kernelGen(9));
        assertEquals(g1, t.previousKernelGen(9));
        t.updateFailed(9); // -EALREADY: the kernel kept the old user_data
        assertEquals(g1, t.kernelGen(9));
    }

    @Test
    void shouldGrowToAHighDescriptor() {
        Registrations t = new Registrations();
        t.put(100_000, Registrations.ONESHOT, 1, 77L, 1L, 2L);
        t.put(1, Registrations.EDGE, 1, 78L, 1L, 3L);
        assertEquals(77L, t.token(100_000));
        assertEquals(78L, t.token(1));
        assertEquals(2, t.size());
        for (int i = 0; i < 1000; i++) {
            t.enqueue(i % 2 == 0 ? 1 : 100_000, Registrations.UPDATE);
        }
        assertEquals(2, t.queued());
    }
}
