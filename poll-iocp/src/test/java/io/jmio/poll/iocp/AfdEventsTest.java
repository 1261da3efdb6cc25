package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;

import org.junit.jupiter.api.Test;

/** The AFD bit values and their mapping to and from jmio's interest and readiness. */
class AfdEventsTest {
    @Test
    void bitValuesAreTheDriversOnes() {
        // AFD_POLL_*_BIT numbering as ReactOS and wepoll declare it: 1 << bit.
        assertEquals(1 << 0, AfdEvents.RECEIVE);
        assertEquals(1 << 1, AfdEvents.RECEIVE_EXPEDITED);
        assertEquals(1 << 2, AfdEvents.SEND);
        assertEquals(1 << 3, AfdEvents.DISCONNECT);
        assertEquals(1 << 4, AfdEvents.ABORT);
        assertEquals(1 << 5, AfdEvents.LOCAL_CLOSE);
        assertEquals(1 << 6, AfdEvents.CONNECT);
        assertEquals(1 << 7, AfdEvents.ACCEPT);
        assertEquals(1 << 8, AfdEvents.CONNECT_FAIL);
        assertEquals(0x1, AfdEvents.RECEIVE);
        assertEquals(0x80, AfdEvents.ACCEPT);
        assertEquals(0x100, AfdEvents.CONNECT_FAIL);
        assertEquals(0, (AfdEvents.POLL_FAILED | AfdEvents.WAKER) & 0x7FF, "jmio's own bits are outside AFD_POLL_ALL");
    }

    @Test
    void ioctlCodeIsDeviceNetworkFunctionNineBuffered() {
        int fileDeviceNetwork = 0x12;
        int afdPoll = 9;
        int methodBuffered = 0;
        assertEquals(fileDeviceNetwork << 12 | afdPoll << 2 | methodBuffered, IocpNative.IOCTL_AFD_POLL);
        assertEquals(0x00012024, IocpNative.IOCTL_AFD_POLL);
    }

    @Test
    void interestsAskForReadinessAndErrors() {
        int r = AfdEvents.fromInterest(Interest.READABLE_BIT);
        assertEquals(AfdEvents.RECEIVE | AfdEvents.ACCEPT | AfdEvents.DISCONNECT | AfdEvents.ABORT | AfdEvents.CONNECT_FAIL, r);
        int w = AfdEvents.fromInterest(Interest.WRITABLE_BIT);
        assertEquals(AfdEvents.SEND | AfdEvents.ABORT | AfdEvents.CONNECT_FAIL, w);
        assertEquals(r | w, AfdEvents.fromInterest(Interest.READABLE_BIT | Interest.WRITABLE_BIT));
        assertEquals(0, r & AfdEvents.LOCAL_CLOSE, "LOCAL_CLOSE is added at submission, not part of an interest");
    }

    @Test
    void unsupportedInterestsAreRefused() {
        for (int bit : new int[] {Interest.PRIORITY_BIT, Interest.AIO_BIT, Interest.LIO_BIT}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> AfdEvents.fromInterest(Interest.READABLE_BIT | bit));
            assertTrue(e.getMessage().contains("iocp"), e.getMessage());
        }
    }

    @Test
    void decodingFollowsTheTable() {
        assertTrue(AfdEvents.isReadable(AfdEvents.RECEIVE));
        assertTrue(AfdEvents.isReadable(AfdEvents.ACCEPT));
        assertTrue(AfdEvents.isReadable(AfdEvents.DISCONNECT));
        assertTrue(AfdEvents.isReadable(AfdEvents.WAKER));
        assertFalse(AfdEvents.isReadable(AfdEvents.SEND));

        assertTrue(AfdEvents.isWritable(AfdEvents.SEND));
        assertTrue(AfdEvents.isWritable(AfdEvents.CONNECT));
        assertFalse(AfdEvents.isWritable(AfdEvents.RECEIVE | AfdEvents.DISCONNECT));

        assertTrue(AfdEvents.isReadClosed(AfdEvents.DISCONNECT));
        assertTrue(AfdEvents.isReadClosed(AfdEvents.ABORT));
        assertFalse(AfdEvents.isReadClosed(AfdEvents.RECEIVE | AfdEvents.SEND));

        assertTrue(AfdEvents.isWriteClosed(AfdEvents.ABORT));
        assertTrue(AfdEvents.isWriteClosed(AfdEvents.CONNECT_FAIL));
        assertFalse(AfdEvents.isWriteClosed(AfdEvents.DISCONNECT));

        assertTrue(AfdEvents.isError(AfdEvents.ABORT));
        assertTrue(AfdEvents.isError(AfdEvents.CONNECT_FAIL));
        assertTrue(AfdEvents.isError(AfdEvents.POLL_FAILED));
        assertFalse(AfdEvents.isError(AfdEvents.RECEIVE | AfdEvents.SEND | AfdEvents.DISCONNECT));
    }

    /** mio's {@code sys/windows/event.rs}: a reset and a failed connect wake readers and writers alike. */
    @Test
    void aResetAndAFailedConnectAreReadableAndWritableAsInMio() {
        for (int failure : new int[] {AfdEvents.ABORT, AfdEvents.CONNECT_FAIL}) {
            assertTrue(AfdEvents.isReadable(failure), AfdEvents.toString(failure));
            assertTrue(AfdEvents.isWritable(failure), AfdEvents.toString(failure));
            assertTrue(AfdEvents.isError(failure), AfdEvents.toString(failure));
            assertTrue(AfdEvents.isReadClosed(failure), AfdEvents.toString(failure));
            assertTrue(AfdEvents.isWriteClosed(failure), AfdEvents.toString(failure));
        }
    }

    @Test
    void namesForDiagnostics() {
        assertEquals("AFD_POLL_RECEIVE|AFD_POLL_SEND", AfdEvents.toString(AfdEvents.RECEIVE | AfdEvents.SEND));
        assertEquals("0", AfdEvents.toString(0));
        assertEquals("AFD_POLL_ABORT|0x800", AfdEvents.toString(AfdEvents.ABORT | 0x800));
    }
}
