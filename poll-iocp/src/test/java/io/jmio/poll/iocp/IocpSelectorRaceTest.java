package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.EventBuffer;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The races a real kernel allows, staged with {@link ScriptedSystem}: memory stays reserved until the
 * kernel is done with it, and no packet is ever reported under the wrong token.
 */
class IocpSelectorRaceTest {
    private static final int R = Interest.READABLE_BIT;
    private final ScriptedSystem kernel = new ScriptedSystem();
    private final IocpSelector selector;
    private final EventBuffer events;

    IocpSelectorRaceTest() throws IOException {
        selector = new IocpSelector(kernel);
        events = selector.newEventBuffer(16);
    }

    @AfterEach
    void close() throws IOException {
        kernel.cancelAtOnce = true;
        kernel.cancelFindsNothing = false;
        selector.close();
    }

    private int select() throws IOException {
        return selector.select(events, 0);
    }

    @Test
    void aCompletionThatBeatsTheCancellationOfADeregisteredSocketIsDropped() throws IOException {
        selector.register(100, 1, R, Trigger.EDGE);
        select();
        ScriptedSystem.Request r = kernel.pendingFor(100);
        assertNotNull(r);
        kernel.cancelFindsNothing = true; // the request completed in the kernel before the cancel
        selector.deregister(100);
        kernel.complete(r, WindowsErrors.STATUS_SUCCESS, AfdEvents.RECEIVE);
        assertEquals(1, selector.slotsInUse(), "reserved until the packet is dequeued");
        assertEquals(0, select(), "a deregistered socket's readiness is dropped");
        assertEquals(0, selector.slotsInUse());
    }

    @Test
    void aLateCancellationKeepsTheSlotAndItsMemoryReserved() throws IOException {
        kernel.cancelAtOnce = false; // Windows may complete the cancelled request later
        selector.register(100, 1, R, Trigger.EDGE);
        select();
        ScriptedSystem.Request old = kernel.pendingFor(100);
        selector.deregister(100);
        assertTrue(old.cancelRequested);
        selector.register(101, 2, R, Trigger.EDGE);
        select();
        ScriptedSystem.Request other = kernel.pendingFor(101);
        assertNotEquals(old.ioStatusBlock, other.ioStatusBlock, "the new socket must not get memory the kernel still owns");
        assertEquals(2, selector.slotsInUse());

        kernel.complete(old, WindowsErrors.STATUS_CANCELLED, 0);
        assertEquals(0, select());
        assertEquals(1, selector.slotsInUse());

        selector.register(102, 3, R, Trigger.EDGE);
        select();
        ScriptedSystem.Request reused = kernel.pendingFor(102);
        assertEquals(old.ioStatusBlock, reused.ioStatusBlock, "the slot is reused once the kernel is done");
        assertNotEquals(old.apcContext, reused.apcContext, "with a new generation in its reference");
        kernel.complete(reused, WindowsErrors.STATUS_SUCCESS, AfdEvents.RECEIVE);
        assertEquals(1, select());
        assertEquals(3, events.token(0));
        assertTrue(events.isReadable(0));
    }

    @Test
    void aReregisteredSocketReportsUnderItsNewToken() throws IOException {
        selector.register(100, 1, R, Trigger.EDGE);
        select();
        ScriptedSystem.Request r = kernel.pendingFor(100);
        selector.reregister(100, 9, R, Trigger.EDGE); // same interest: the pending poll is kept
        assertEquals(1, kernel.pending.size());
        kernel.complete(r, WindowsErrors.STATUS_SUCCESS, AfdEvents.RECEIVE | AfdEvents.DISCONNECT);
        assertEquals(1, select());
        assertEquals(9, events.token(0));
        assertTrue(events.isReadable(0));
        assertTrue(events.isReadClosed(0));
        assertFalse(events.isWritable(0));
    }

    @Test
    void severalPacketsInOneBatchKeepTheirTokens() throws IOException {
        for (int i = 0; i < 5; i++) {
            selector.register(200 + i, 50 + i, Interest.READABLE_BIT | Interest.WRITABLE_BIT, Trigger.LEVEL);
        }
        select();
        for (int i = 4; i >= 0; i--) {
            kernel.complete(kernel.pendingFor(200 + i), WindowsErrors.STATUS_SUCCESS, i % 2 == 0 ? AfdEvents.SEND : AfdEvents.RECEIVE);
        }
        assertEquals(5, select());
        for (int k = 0; k < 5; k++) {
            int i = (int) events.token(k) - 50;
            assertEquals(i % 2 == 0, events.isWritable(k), "token " + events.token(k));
            assertEquals(i % 2 != 0, events.isReadable(k), "token " + events.token(k));
        }
        assertEquals(0, kernel.pending.size(), "the next polls are submitted before the next wait");
        assertEquals(0, select());
        assertEquals(5, kernel.pending.size(), "level: every socket polled again");
    }

    @Test
    void aFailedPollIsAnErrorEventAndIsNotRepeated() throws IOException {
        selector.register(100, 1, R, Trigger.LEVEL);
        select();
        kernel.complete(kernel.pendingFor(100), WindowsErrors.STATUS_INVALID_HANDLE, 0);
        assertEquals(1, select());
        assertTrue(events.isError(0));
        assertEquals(0, kernel.pending.size(), "not resubmitted");
    }

    @Test
    void aLocallyClosedSocketGoesInertAndItsHandleCanBeRegisteredAgain() throws IOException {
        selector.register(100, 1, R, Trigger.LEVEL);
        select();
        kernel.complete(kernel.pendingFor(100), WindowsErrors.STATUS_SUCCESS, AfdEvents.LOCAL_CLOSE);
        assertEquals(0, select());
        assertNull(kernel.pendingFor(100), "never polled again");
        selector.register(100, 2, R, Trigger.LEVEL); // the handle value was reused by a new socket
        select();
        kernel.complete(kernel.pendingFor(100), WindowsErrors.STATUS_SUCCESS, AfdEvents.RECEIVE);
        assertEquals(1, select());
        assertEquals(2, events.token(0));
    }

    @Test
    void closeWaitsForCancelledPacketsAndQuarantinesWhatNeverCame() throws IOException {
        kernel.cancelAtOnce = false;
        selector.register(100, 1, R, Trigger.EDGE);
        select();
        long start = System.nanoTime();
        selector.close(); // the cancelled packet never comes
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1500, "close gave up after " + millis + " ms");
        assertEquals(1, selector.inFlight(), "the request is still the kernel's: its memory was kept");
    }

    @Test
    void anErrorEventOwedForAFailedSubmissionSurvivesAWaitThatThrows() throws IOException {
        kernel.refusePolls = true;
        selector.register(100, 1, R, Trigger.EDGE); // its poll will be refused: an error event is owed
        kernel.failNextWait = WindowsErrors.win32("GetQueuedCompletionStatusEx", WindowsErrors.ERROR_INVALID_HANDLE, "scripted");
        assertThrows(IOException.class, this::select);
        assertEquals(1, select(), "the owed error event must still be reported");
        assertEquals(1, events.token(0));
        assertTrue(events.isError(0));
    }
}
