package io.jmio.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollTimeoutTest {
    @Test
    void nullMeansForeverAndZeroMeansNow() {
        assertEquals(-1, Poll.toNanos(null));
        assertEquals(0, Poll.toNanos(Duration.ZERO));
        assertEquals(1_500_000_001L, Poll.toNanos(Duration.ofSeconds(1, 500_000_001)));
    }

    @Test
    void hugeTimeoutsSaturateInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE - 1, Poll.toNanos(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Long.MAX_VALUE - 1, Poll.toNanos(Duration.ofDays(365L * 1000)));
    }

    @Test
    void negativeTimeoutsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Poll.toNanos(Duration.ofNanos(-1)));
    }
}
