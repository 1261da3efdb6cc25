package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jmio.poll.posix.NativeMemory;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Pins every {@code struct kevent} and {@code struct timespec} layout, and every per-OS constant, to
 * the values of the systems' headers ({@code sys/event.h} of macOS, FreeBSD, NetBSD, OpenBSD,
 * DragonFly on 64-bit), and checks that a slot written in a layout reads back field by field.
 */
class KeventLayoutTest {
    private static void assertLayout(KeventDescriptor d, int size, int filter, int filterWidth, int flags, int flagsWidth,
            int fflags, int data, int udata) {
        assertEquals(size, d.size, d + " size");
        assertEquals(0, KeventDescriptor.IDENT_OFFSET, "ident");
        assertEquals(filter, d.filterOffset, d + " filter offset");
        assertEquals(filterWidth, d.filterWidth, d + " filter width");
        assertEquals(flags, d.flagsOffset, d + " flags offset");
        assertEquals(flagsWidth, d.flagsWidth, d + " flags width");
        assertEquals(fflags, d.fflagsOffset, d + " fflags offset");
        assertEquals(data, d.dataOffset, d + " data offset");
        assertEquals(udata, d.udataOffset, d + " udata offset");
    }

    @Test
    void shouldPinTheCompact32ByteLayoutOfMacOsFreeBsd11OpenBsdAndDragonFly() {
        assertLayout(KeventDescriptor.COMPACT_32, 32, 8, 2, 10, 2, 12, 16, 24);
    }

    @Test
    void shouldPinFreeBsd12s64ByteLayoutWithExtWords() {
        assertLayout(KeventDescriptor.FREEBSD_64, 64, 8, 2, 10, 2, 12, 16, 24);
    }

    @Test
    void shouldPinNetBsds40ByteLayoutWith32BitFilterAndFlags() {
        assertLayout(KeventDescriptor.NETBSD_40, 40, 8, 4, 12, 4, 16, 24, 32);
    }

    @Test
    void shouldPinTimespec() {
        assertEquals(16, TimespecDescriptor.SIZE);
        assertEquals(0, TimespecDescriptor.TV_SEC_OFFSET);
        assertEquals(8, TimespecDescriptor.TV_NSEC_OFFSET);
        ByteBuffer ts = NativeMemory.allocate(16);
        TimespecDescriptor.put(ts, 3_000_000_007L);
        assertEquals(3, ts.getLong(0));
        assertEquals(7, ts.getLong(8));
        assertEquals(3_000_000_007L, TimespecDescriptor.nanos(ts));
    }

    @Test
    void shouldRoundTripEveryFieldAndZeroTheRestOfTheSlot() {
        for (KeventDescriptor d : new KeventDescriptor[] {KeventDescriptor.COMPACT_32, KeventDescriptor.FREEBSD_64, KeventDescriptor.NETBSD_40}) {
            ByteBuffer b = NativeMemory.allocate(3 * d.size);
            for (int i = 0; i < b.capacity(); i += 8) {
                b.putLong(i, -1L);
            }
            int filter = d.filterWidth == 2 ? -11 : 8;
            d.put(b, 1, 0x1_0000_0007L, filter, KqueueAbi.EV_EOF | KqueueAbi.EV_ERROR | KqueueAbi.EV_ADD, 0x01000000, -5L, 0xCAFE_F00D_1234_5678L);
            assertEquals(0x1_0000_0007L, d.ident(b, 1));
            assertEquals(filter, d.filter(b, 1));
            assertEquals(0xC001, d.flags(b, 1), "flags read unsigned");
            assertEquals(0x01000000, d.fflags(b, 1));
            assertEquals(-5L, d.data(b, 1));
            assertEquals(0xCAFE_F00D_1234_5678L, d.udata(b, 1));
            assertEquals(-1L, b.getLong(0), "slot 0 untouched");
            assertEquals(-1L, b.getLong(2 * d.size), "slot 2 untouched");
            if (d == KeventDescriptor.FREEBSD_64) {
                for (int off = 32; off < 64; off += 8) {
                    assertEquals(0L, b.getLong(d.size + off), "ext word at " + off + " zeroed");
                }
            }
        }
    }

    @Test
    void shouldAgreeOnTheFirst32BytesOfBothFreeBsdLayouts() {
        // The probe in KqueueNative relies on it.
        KeventDescriptor a = KeventDescriptor.COMPACT_32;
        KeventDescriptor b = KeventDescriptor.FREEBSD_64;
        assertEquals(a.filterOffset, b.filterOffset);
        assertEquals(a.flagsOffset, b.flagsOffset);
        assertEquals(a.fflagsOffset, b.fflagsOffset);
        assertEquals(a.dataOffset, b.dataOffset);
        assertEquals(a.udataOffset, b.udataOffset);
        assertEquals(32, a.size);
    }

    @Test
    void shouldPinTheFilterNumbersOfEachSystem() {
        int[][] expected = {
            // READ, WRITE, AIO, LIO, USER
            {-1, -2, KqueueAbi.NONE, KqueueAbi.NONE, -10}, // macOS (EVFILT_AIO -3 exists, but XNU never posts it)
            {-1, -2, -3, -10, -11},            // FreeBSD 12+
            {-1, -2, -3, -10, -11},            // FreeBSD 11
            {-1, -2, -3, KqueueAbi.NONE, -9},  // DragonFly
            {-1, -2, KqueueAbi.NONE, KqueueAbi.NONE, KqueueAbi.NONE}, // OpenBSD (pipe waker)
            {0, 1, KqueueAbi.NONE, KqueueAbi.NONE, KqueueAbi.NONE},   // NetBSD (pipe waker)
        };
        KqueueAbi[] all = KqueueAbi.all();
        for (int i = 0; i < all.length; i++) {
            KqueueAbi abi = all[i];
            assertEquals(expected[i][0], abi.evfiltRead, abi + " EVFILT_READ");
            assertEquals(expected[i][1], abi.evfiltWrite, abi + " EVFILT_WRITE");
            assertEquals(expected[i][2], abi.evfiltAio, abi + " EVFILT_AIO");
            assertEquals(expected[i][3], abi.evfiltLio, abi + " EVFILT_LIO");
            assertEquals(expected[i][4], abi.evfiltUser, abi + " EVFILT_USER");
            assertEquals(abi.evfiltUser != KqueueAbi.NONE, abi.userWaker, abi + " waker kind");
        }
        assertSame(KeventDescriptor.COMPACT_32, KqueueAbi.DARWIN.layout);
        assertSame(KeventDescriptor.FREEBSD_64, KqueueAbi.FREEBSD_12.layout);
        assertSame(KeventDescriptor.COMPACT_32, KqueueAbi.FREEBSD_11.layout);
        assertSame(KeventDescriptor.COMPACT_32, KqueueAbi.OPENBSD.layout);
        assertSame(KeventDescriptor.COMPACT_32, KqueueAbi.DRAGONFLY.layout);
        assertSame(KeventDescriptor.NETBSD_40, KqueueAbi.NETBSD.layout);
        assertEquals("__kevent50", KqueueAbi.NETBSD.keventSymbol);
        assertEquals("kevent", KqueueAbi.DARWIN.keventSymbol);
    }

    @Test
    void shouldPinTheFlagBitsSharedByAllSystems() {
        assertEquals(0x0001, KqueueAbi.EV_ADD);
        assertEquals(0x0002, KqueueAbi.EV_DELETE);
        assertEquals(0x0004, KqueueAbi.EV_ENABLE);
        assertEquals(0x0008, KqueueAbi.EV_DISABLE);
        assertEquals(0x0010, KqueueAbi.EV_ONESHOT);
        assertEquals(0x0020, KqueueAbi.EV_CLEAR);
        assertEquals(0x0040, KqueueAbi.EV_RECEIPT);
        assertEquals(0x0080, KqueueAbi.EV_DISPATCH);
        assertEquals(0x4000, KqueueAbi.EV_ERROR);
        assertEquals(0x8000, KqueueAbi.EV_EOF);
        assertEquals(0x01000000, KqueueAbi.NOTE_TRIGGER);
    }
}
