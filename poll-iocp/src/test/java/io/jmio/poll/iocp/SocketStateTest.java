package io.jmio.poll.iocp;

import static io.jmio.poll.iocp.WindowsErrors.STATUS_CANCELLED;
import static io.jmio.poll.iocp.WindowsErrors.STATUS_INVALID_HANDLE;
import static io.jmio.poll.iocp.WindowsErrors.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;
import io.jmio.poll.Trigger;

import org.junit.jupiter.api.Test;

/** The per-socket state machine: poll status, trigger modes, cancellation, references. */
class SocketStateTest {
    private static final int R = AfdEvents.fromInterest(Interest.READABLE_BIT);
    private static final int RW = AfdEvents.fromInterest(Interest.READABLE_BIT | Interest.WRITABLE_BIT);

    private static SocketState registered(int mask, Trigger trigger) {
        SocketState s = new SocketState(5, 0x1000, 0x1010);
        s.open(42, 42, null);
        s.set(7, Interest.READABLE_BIT, mask, trigger);
        return s;
    }

    private static void submit(SocketState s) {
        assertTrue(s.needsSubmit());
        s.submitted(s.submitMask());
        assertEquals(SocketState.PENDING, s.status);
        assertFalse(s.needsSubmit(), "one poll at a time");
    }

    @Test
    void submissionAlwaysAsksForLocalClose() {
        SocketState s = registered(R, Trigger.EDGE);
        assertEquals(R | AfdEvents.LOCAL_CLOSE, s.submitMask());
    }

    @Test
    void edgeTurnsReportedBitsOffUntilRearmed() {
        SocketState s = registered(RW, Trigger.EDGE);
        submit(s);
        assertEquals(AfdEvents.RECEIVE, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE));
        assertEquals(SocketState.IDLE, s.status);
        assertEquals(0, s.armed & AfdEvents.RECEIVE, "reported bit is off");
        assertTrue(s.needsSubmit(), "still polls for the rest (SEND, DISCONNECT...)");
        submit(s);
        assertEquals(AfdEvents.SEND, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE | AfdEvents.SEND),
                "RECEIVE is not reported again while off");
        assertTrue(s.rearm(AfdEvents.fromInterest(Interest.READABLE_BIT)));
        assertEquals(AfdEvents.RECEIVE, s.armed & AfdEvents.RECEIVE);
        assertFalse(s.rearm(AfdEvents.fromInterest(Interest.READABLE_BIT)), "nothing new to re-arm");
    }

    @Test
    void rearmNeverExceedsTheRegisteredInterest() {
        SocketState s = registered(R, Trigger.EDGE);
        s.rearm(AfdEvents.fromInterest(Interest.WRITABLE_BIT));
        assertEquals(0, s.armed & AfdEvents.SEND);
    }

    @Test
    void levelKeepsEverythingArmed() {
        SocketState s = registered(R, Trigger.LEVEL);
        submit(s);
        assertEquals(AfdEvents.RECEIVE, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE));
        assertEquals(R, s.armed);
        assertTrue(s.needsSubmit());
        assertFalse(s.rearm(R), "rearm is for edge mode only");
    }

    @Test
    void oneshotDisarmsUntilSetAgain() {
        SocketState s = registered(R, Trigger.ONESHOT);
        submit(s);
        assertEquals(AfdEvents.RECEIVE, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE));
        assertEquals(0, s.armed);
        assertTrue(s.needsSubmit(), "a poll stays in flight, for LOCAL_CLOSE only");
        assertEquals(AfdEvents.LOCAL_CLOSE, s.submitMask());
        s.set(8, Interest.READABLE_BIT, R, Trigger.ONESHOT);
        assertTrue(s.needsSubmit());
        assertEquals(R | AfdEvents.LOCAL_CLOSE, s.submitMask());
    }

    @Test
    void unwantedBitsAreDroppedAndThePollRepeats() {
        SocketState s = registered(R, Trigger.EDGE);
        submit(s);
        assertEquals(0, s.completed(STATUS_SUCCESS, 1, AfdEvents.SEND));
        assertTrue(s.needsSubmit());
    }

    @Test
    void wideningTheInterestCancelsNarrowingDoesNot() {
        SocketState s = registered(R, Trigger.EDGE);
        submit(s);
        s.set(7, Interest.READABLE_BIT, R, Trigger.EDGE);
        assertFalse(s.needsCancel(), "same mask: the pending poll still serves");
        s.set(7, Interest.READABLE_BIT | Interest.WRITABLE_BIT, RW, Trigger.EDGE);
        assertTrue(s.needsCancel(), "SEND is not asked by the pending poll");
        s.cancelRequested();
        assertEquals(SocketState.CANCELLED, s.status);
        assertFalse(s.needsCancel());
        assertFalse(s.needsSubmit(), "not before the cancelled poll's packet");
        assertEquals(0, s.completed(STATUS_CANCELLED, 0, 0));
        assertTrue(s.needsSubmit());
        assertEquals(RW | AfdEvents.LOCAL_CLOSE, s.submitMask());
    }

    @Test
    void aPollThatWonTheRaceWithItsCancellationStillReports() {
        SocketState s = registered(R, Trigger.EDGE);
        submit(s);
        s.set(9, Interest.READABLE_BIT | Interest.WRITABLE_BIT, RW, Trigger.EDGE);
        s.cancelRequested();
        assertEquals(AfdEvents.RECEIVE, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE));
        assertEquals(9, s.token, "reported under the new token");
    }

    @Test
    void deregisteredSocketsReportNothing() {
        SocketState s = registered(R, Trigger.LEVEL);
        submit(s);
        s.deletePending = true;
        assertTrue(s.needsCancel());
        s.cancelRequested();
        assertEquals(0, s.completed(STATUS_SUCCESS, 1, AfdEvents.RECEIVE), "completion raced the cancel: dropped");
        assertEquals(SocketState.IDLE, s.status);
        assertFalse(s.needsSubmit());
    }

    @Test
    void localCloseMakesTheRegistrationInert() {
        SocketState s = registered(R, Trigger.LEVEL);
        submit(s);
        assertEquals(0, s.completed(STATUS_SUCCESS, 1, AfdEvents.LOCAL_CLOSE | AfdEvents.RECEIVE));
        assertTrue(s.closed);
        assertFalse(s.needsSubmit());
        s.set(1, Interest.READABLE_BIT, R, Trigger.LEVEL);
        assertFalse(s.needsSubmit(), "a closed socket is never polled again");
    }

    @Test
    void aFailedPollReportsAnErrorOnceAndDisarms() {
        SocketState s = registered(R, Trigger.LEVEL);
        submit(s);
        int report = s.completed(STATUS_INVALID_HANDLE, 0, 0);
        assertTrue(AfdEvents.isError(report));
        assertFalse(s.needsSubmit());
        s.set(2, Interest.READABLE_BIT, R, Trigger.LEVEL);
        assertTrue(s.needsSubmit(), "a re-registration polls again");
    }

    @Test
    void keepsALocalClosePollInFlightOnceEveryArmedBitWasReported() {
        SocketState s = registered(R, Trigger.EDGE);
        submit(s);
        assertEquals(R, s.completed(STATUS_SUCCESS, 1, R), "every armed bit reported at once");
        assertEquals(0, s.armed & AfdEvents.KNOWN);
        assertTrue(s.needsSubmit(), "nothing armed, yet the close must still be seen (mio, wepoll)");
        s.submitted(s.submitMask());
        assertEquals(0, s.completed(STATUS_SUCCESS, 1, AfdEvents.LOCAL_CLOSE));
        assertTrue(s.closed);
        assertFalse(s.needsSubmit());
    }

    @Test
    void anEmptyPollInfoReportsNothing() {
        SocketState s = registered(R, Trigger.EDGE);
        submit(s);
        assertEquals(0, s.completed(STATUS_SUCCESS, 0, AfdEvents.RECEIVE));
        assertTrue(s.needsSubmit());
    }

    @Test
    void referencesCarryIndexAndGeneration() {
        SocketState s = registered(R, Trigger.EDGE);
        long ref = s.reference();
        assertEquals(5, SocketState.indexOf(ref));
        assertEquals(s.generation, SocketState.generationOf(ref));
        assertNotEquals(0L, ref, "an APC context is never NULL");
        s.free();
        assertNotEquals(ref, s.reference(), "a freed slot answers to a new reference");
        assertEquals(5, SocketState.indexOf(s.reference()));
    }
}
