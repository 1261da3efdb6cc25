package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Decoding of kevents into jmio's event flags, per system: the table in {@link KqueueEventArray}'s
 * javadoc, checked slot by slot on each ABI's layout and filter numbers.
 */
class KqueueEventArrayTest {
    private static KqueueEventArray array(KqueueAbi abi, int filter, int flags, int fflags) {
        KqueueEventArray a = new KqueueEventArray(abi, 2);
        abi.layout.put(a.memory(), 1, 9, filter, flags, fflags, 3, 0x7777_0000_0000_0001L);
        return a;
    }

    @Test
    void shouldReportReadAndWriteAsSeparateEventsOnEverySystem() {
        for (KqueueAbi abi : KqueueAbi.all()) {
            KqueueEventArray r = array(abi, abi.evfiltRead, KqueueAbi.EV_CLEAR, 0);
            assertEquals(0x7777_0000_0000_0001L, r.token(1), abi + ": the token is udata");
            assertTrue(r.isReadable(1), abi.toString());
            assertFalse(r.isWritable(1), abi.toString());
            assertFalse(r.isReadClosed(1) || r.isWriteClosed(1) || r.isError(1) || r.isPriority(1), abi.toString());
            KqueueEventArray w = array(abi, abi.evfiltWrite, KqueueAbi.EV_CLEAR, 0);
            assertTrue(w.isWritable(1), abi.toString());
            assertFalse(w.isReadable(1), abi.toString());
        }
    }

    @Test
    void shouldMapEofToTheClosedHalfOfItsFilter() {
        for (KqueueAbi abi : KqueueAbi.all()) {
            KqueueEventArray r = array(abi, abi.evfiltRead, KqueueAbi.EV_EOF, 0);
            assertTrue(r.isReadClosed(1), abi.toString());
            assertFalse(r.isWriteClosed(1), abi.toString());
            assertFalse(r.isError(1), abi + ": EOF without an fflags error is no error");
            KqueueEventArray w = array(abi, abi.evfiltWrite, KqueueAbi.EV_EOF, 0);
            assertTrue(w.isWriteClosed(1), abi.toString());
            assertFalse(w.isReadClosed(1), abi.toString());
        }
    }

    @Test
    void shouldReportErrorForEvErrorOrEofWithASocketError() {
        for (KqueueAbi abi : KqueueAbi.all()) {
            assertTrue(array(abi, abi.evfiltWrite, KqueueAbi.EV_EOF, 61).isError(1), abi + ": EV_EOF, fflags=ECONNREFUSED");
            assertTrue(array(abi, abi.evfiltRead, KqueueAbi.EV_ERROR, 0).isError(1), abi + ": EV_ERROR");
        }
    }

    @Test
    void shouldReportTheUserWakerAsReadable() {
        assertTrue(array(KqueueAbi.DARWIN, -10, KqueueAbi.EV_CLEAR, 0).isReadable(1));
        assertTrue(array(KqueueAbi.FREEBSD_12, -11, KqueueAbi.EV_CLEAR, 0).isReadable(1));
        assertTrue(array(KqueueAbi.DRAGONFLY, -9, KqueueAbi.EV_CLEAR, 0).isReadable(1));
    }

    @Test
    void shouldDecodeAioAndLioOnlyWhereTheSystemHasThem() {
        assertFalse(array(KqueueAbi.DARWIN, -3, 0, 0).isAio(1), "XNU never posts EVFILT_AIO");
        assertTrue(array(KqueueAbi.FREEBSD_12, -3, 0, 0).isAio(1));
        KqueueEventArray lio = array(KqueueAbi.FREEBSD_12, -10, 0, 0);
        assertTrue(lio.isLio(1));
        assertFalse(lio.isReadable(1), "-10 is EVFILT_LIO on FreeBSD");
        KqueueEventArray user = array(KqueueAbi.DARWIN, -10, 0, 0);
        assertFalse(user.isLio(1), "-10 is EVFILT_USER on macOS");
        assertTrue(user.isReadable(1));
        assertFalse(array(KqueueAbi.OPENBSD, -3, 0, 0).isAio(1));
        assertFalse(array(KqueueAbi.NETBSD, 2, 0, 0).isAio(1));
    }

    @Test
    void shouldDescribeTheRawKevent() {
        KqueueEventArray r = array(KqueueAbi.FREEBSD_12, -1, KqueueAbi.EV_CLEAR | KqueueAbi.EV_EOF, 0);
        assertEquals("EVFILT_READ ident=9 flags=EV_CLEAR|EV_EOF fflags=0x0 data=3", r.describe(1));
        KqueueEventArray n = array(KqueueAbi.NETBSD, 1, 0x10000 | KqueueAbi.EV_DISPATCH, 0);
        assertEquals("EVFILT_WRITE ident=9 flags=EV_DISPATCH|0x10000 fflags=0x0 data=3", n.describe(1));
    }
}
