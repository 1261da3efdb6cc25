package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;
import io.jmio.poll.Trigger;
import org.junit.jupiter.api.Test;

/** Pins {@code struct epoll_event} and the interest/flag translation against {@code sys/epoll.h}. */
class EpollLayoutTest {
    @Test
    void epollEventIsPackedOnX8664Only() {
        assertTrue(EpollEventDescriptor.isPacked("amd64"));
        assertFalse(EpollEventDescriptor.isPacked("aarch64"));
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64")) {
            assertEquals(12, EpollEventDescriptor.SIZE);
            assertEquals(4, EpollEventDescriptor.DATA_OFFSET);
        } else if (arch.equals("aarch64")) {
            assertEquals(16, EpollEventDescriptor.SIZE);
            assertEquals(8, EpollEventDescriptor.DATA_OFFSET);
        }
        assertEquals(0, EpollEventDescriptor.EVENTS_OFFSET);
    }

    @Test
    void bindingsKeepClearOfJnrSixArgumentDefect() {
        io.jmio.poll.contract.JnrBindings.assertNoSixPrimitiveArguments(EpollLibrary.Lib.class);
    }

    @Test
    void flagValuesMatchTheHeader() {
        assertEquals(0x001, EpollNative.EPOLLIN);
        assertEquals(0x002, EpollNative.EPOLLPRI);
        assertEquals(0x004, EpollNative.EPOLLOUT);
        assertEquals(0x008, EpollNative.EPOLLERR);
        assertEquals(0x010, EpollNative.EPOLLHUP);
        assertEquals(0x2000, EpollNative.EPOLLRDHUP);
        assertEquals(0x40000000, EpollNative.EPOLLONESHOT);
        assertEquals(0x80000000, EpollNative.EPOLLET);
        assertEquals(02000000, EpollNative.EPOLL_CLOEXEC);
        assertEquals(04000, EpollNative.EFD_NONBLOCK);
    }

    @Test
    void interestAndTriggerTranslation() {
        assertEquals(0x001 | 0x2000 | 0x80000000, EpollSelector.toEpoll(Interest.READABLE.bits(), Trigger.EDGE));
        assertEquals(0x004, EpollSelector.toEpoll(Interest.WRITABLE.bits(), Trigger.LEVEL));
        assertEquals(0x002 | 0x40000000, EpollSelector.toEpoll(Interest.PRIORITY.bits(), Trigger.ONESHOT));
        assertEquals(0x001 | 0x2000 | 0x004, EpollSelector.toEpoll(Interest.READABLE.add(Interest.WRITABLE).bits(), Trigger.LEVEL));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> EpollSelector.toEpoll(Interest.AIO.bits(), Trigger.EDGE));
        assertTrue(e.getMessage().contains("AIO"), e.getMessage());
    }

    @Test
    void timeoutsRoundUpToWholeMilliseconds() {
        assertEquals(-1, EpollSelector.toMillis(-1));
        assertEquals(0, EpollSelector.toMillis(0));
        assertEquals(1, EpollSelector.toMillis(1));
        assertEquals(1, EpollSelector.toMillis(1_000_000));
        assertEquals(2, EpollSelector.toMillis(1_000_001));
        assertEquals(Integer.MAX_VALUE, EpollSelector.toMillis(Long.MAX_VALUE - 1));
    }

    @Test
    void eventDecodingFollowsMio() {
        EpollEventArray a = new EpollEventArray(4);
        // Write raw epoll_events through the array's own memory, as epoll_wait would.
        setEvent(a, 0, EpollNative.EPOLLIN | EpollNative.EPOLLRDHUP, 77);
        setEvent(a, 1, EpollNative.EPOLLHUP, 78);
        setEvent(a, 2, EpollNative.EPOLLERR, 79);
        setEvent(a, 3, EpollNative.EPOLLOUT | EpollNative.EPOLLERR, 80);
        assertEquals(77, a.token(0));
        assertTrue(a.isReadable(0) && a.isReadClosed(0) && !a.isWriteClosed(0));
        assertTrue(a.isReadClosed(1) && a.isWriteClosed(1) && !a.isReadable(1));
        assertTrue(a.isError(2) && a.isWriteClosed(2) && !a.isReadClosed(2));
        assertTrue(a.isWritable(3) && a.isError(3) && a.isWriteClosed(3));
        assertEquals("EPOLLOUT|EPOLLERR", a.describe(3));
    }

    private static void setEvent(EpollEventArray a, int i, int events, long token) {
        a.putForTest(i, events, token);
    }
}
