package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Slots, their native memory and the handle map. */
class SocketTableTest {
    @Test
    void addressesStayPutWhenTheTableGrows() {
        SocketTable table = new SocketTable();
        SocketState first = table.allocate();
        long iosb = first.ioStatusBlock;
        long info = first.pollInfo;
        List<SocketState> more = new ArrayList<>();
        for (int i = 0; i < 5 * SocketTable.CHUNK_SLOTS; i++) {
            more.add(table.allocate());
        }
        assertSame(first, table.slot(first.index));
        assertEquals(iosb, first.ioStatusBlock);
        assertEquals(info, first.pollInfo);
        assertEquals(iosb + SocketTable.POLL_INFO_OFFSET, info);
        Set<Long> addresses = new HashSet<>();
        addresses.add(iosb);
        for (SocketState s : more) {
            assertEquals(true, addresses.add(s.ioStatusBlock), "two slots share memory");
        }
        assertEquals(1 + 5 * SocketTable.CHUNK_SLOTS, table.inUse());
    }

    @Test
    void requestAndResultsGoThroughTheSlotsMemory() {
        SocketTable table = new SocketTable();
        table.allocate();
        SocketState s = table.allocate();
        s.baseSocket = 0x1234_5678_9ABCL;
        table.writeRequest(s, AfdEvents.RECEIVE | AfdEvents.LOCAL_CLOSE);
        assertEquals(WindowsErrors.STATUS_PENDING, table.status(s));
        assertEquals(1, table.numberOfHandles(s));
        assertEquals(AfdEvents.RECEIVE | AfdEvents.LOCAL_CLOSE, table.events(s));
        com.kenai.jffi.MemoryIO m = com.kenai.jffi.MemoryIO.getInstance();
        assertEquals(0x1234_5678_9ABCL, m.getLong(s.pollInfo + AfdPollInfoDescriptor.HANDLE_OFFSET));
        assertEquals(Long.MAX_VALUE, m.getLong(s.pollInfo + AfdPollInfoDescriptor.TIMEOUT_OFFSET));
        // What the kernel writes at completion is what the table reads.
        m.putInt(s.ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, WindowsErrors.STATUS_CANCELLED);
        m.putInt(s.pollInfo + AfdPollInfoDescriptor.EVENTS_OFFSET, AfdEvents.SEND);
        assertEquals(WindowsErrors.STATUS_CANCELLED, table.status(s));
        assertEquals(AfdEvents.SEND, table.events(s));
    }

    @Test
    void staleReferencesFindNothing() {
        SocketTable table = new SocketTable();
        SocketState s = table.allocate();
        s.inUse = true;
        long old = s.reference();
        assertSame(s, table.byReference(old));
        table.release(s);
        assertNull(table.byReference(old), "freed slot");
        SocketState again = table.allocate();
        again.inUse = true;
        assertSame(s, again, "LIFO reuse of the freed slot");
        assertNull(table.byReference(old), "the slot's next user has a new generation");
        assertSame(again, table.byReference(again.reference()));
        assertNull(table.byReference(((long) again.generation << 32) | 100_000), "index out of range");
    }

    @Test
    void handleMapAgreesWithAHashMapUnderChurn() {
        SocketTable table = new SocketTable();
        Map<Long, SocketState> reference = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            long key = random.nextInt(3000) * 4L; // SOCKET values are multiples of 4
            SocketState expected = reference.get(key);
            assertSame(expected, table.lookup(key), "step " + step);
            if (expected == null) {
                SocketState s = table.allocate();
                s.inUse = true;
                table.map(key, s);
                reference.put(key, s);
            } else if (random.nextBoolean()) {
                table.unmap(key);
                table.release(expected);
                reference.remove(key);
            }
            assertEquals(reference.size(), table.mapped());
        }
        for (Map.Entry<Long, SocketState> e : reference.entrySet()) {
            assertSame(e.getValue(), table.lookup(e.getKey()));
        }
        assertNull(table.lookup(-4));
    }

    @Test
    void slotsAreDistinctObjectsWithTheirOwnIndex() {
        SocketTable table = new SocketTable();
        SocketState a = table.allocate();
        SocketState b = table.allocate();
        assertNotSame(a, b);
        assertNotNull(table.slot(a.index));
        assertEquals(SocketTable.SLOT_SIZE, Math.abs(a.ioStatusBlock - b.ioStatusBlock));
    }
}
