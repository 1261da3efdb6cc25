package io.jmio.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterestTest {
    @Test
    void addCombinesAndIsCached() {
        Interest both = Interest.READABLE.add(Interest.WRITABLE);
        assertTrue(both.isReadable());
        assertTrue(both.isWritable());
        assertFalse(both.isPriority());
        assertSame(both, Interest.WRITABLE.add(Interest.READABLE));
        assertEquals("READABLE | WRITABLE", both.toString());
    }

    @Test
    void removeNeverYieldsAnEmptyInterest() {
        Interest both = Interest.READABLE.add(Interest.WRITABLE);
        assertSame(Interest.READABLE, both.remove(Interest.WRITABLE).orElseThrow());
        assertTrue(Interest.READABLE.remove(Interest.READABLE).isEmpty());
        assertSame(Interest.READABLE, Interest.READABLE.remove(Interest.AIO).orElseThrow());
    }

    @Test
    void ofBitsRefusesEmptyAndUnknownBits() {
        assertSame(Interest.LIO, Interest.ofBits(Interest.LIO_BIT));
        assertThrows(IllegalArgumentException.class, () -> Interest.ofBits(0));
        assertThrows(IllegalArgumentException.class, () -> Interest.ofBits(1 << 5));
        assertThrows(NullPointerException.class, () -> Interest.READABLE.add(null));
    }

    @Test
    void eachConstantHasItsOwnBit() {
        Interest[] all = {Interest.READABLE, Interest.WRITABLE, Interest.PRIORITY, Interest.AIO, Interest.LIO};
        int seen = 0;
        for (Interest i : all) {
            assertEquals(1, Integer.bitCount(i.bits()));
            assertEquals(0, seen & i.bits());
            seen |= i.bits();
        }
        assertTrue(Interest.AIO.isAio() && Interest.LIO.isLio() && Interest.PRIORITY.isPriority());
    }
}
