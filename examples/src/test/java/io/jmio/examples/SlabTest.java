package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlabTest {
    @Test
    void shouldReuseFreedSlotsAndGrow() {
        Slab<String> slab = new Slab<>();
        for (int i = 0; i < 200; i++) {
            assertEquals(i, slab.add("e" + i));
        }
        slab.remove(5);
        slab.remove(5);  // twice: no effect
        assertNull(slab.get(5));
        assertNull(slab.get(-1));
        assertNull(slab.get(1000));
        assertEquals(199, slab.size());
        assertEquals(5, slab.add("again"), "the freed slot comes back first");
        assertEquals("again", slab.get(5));
        assertEquals(200, slab.add("new"));
        List<String> drained = new ArrayList<>();
        slab.drain(drained::add);
        assertEquals(201, drained.size());
        assertEquals(0, slab.size());
        assertEquals(0, slab.add("fresh"));
    }
}
