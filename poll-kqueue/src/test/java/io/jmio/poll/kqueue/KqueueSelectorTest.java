package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.spi.EventBuffer;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The selector's own logic against a scripted kernel ({@link ScriptedKqueueSystem}): which change
 * lists it submits for each registry call, how it reads each {@code EV_RECEIPT} answer (what it
 * excuses, what it reports, what it rolls back), the registry contract it keeps in its table, the
 * waker and the timeout it passes. Runs on any OS: no kernel is involved.
 */
class KqueueSelectorTest {
    private static final int R = Interest.READABLE_BIT;
    private static final int W = Interest.WRITABLE_BIT;
    private static final int RW = R | W;

    private final ScriptedKqueueSystem sys = new ScriptedKqueueSystem(KqueueAbi.DARWIN);

    private KqueueSelector open(ScriptedKqueueSystem s) throws IOException {
        KqueueSelector selector = new KqueueSelector(s);
        s.take();
        return selector;
    }

    @Test
    void shouldAddOneFilterPerInterestWithTheTokenInUdata() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, RW, Trigger.EDGE);
        assertEquals(List.of("EVFILT_READ ident=5 EV_ADD|EV_CLEAR|EV_RECEIPT udata=7",
                "EVFILT_WRITE ident=5 EV_ADD|EV_CLEAR|EV_RECEIPT udata=7"), sys.take());
        selector.register(6, -2, R, Trigger.LEVEL);
        assertEquals(List.of("EVFILT_READ ident=6 EV_ADD|EV_RECEIPT udata=-2"), sys.take());
        selector.register(8, 9, W, Trigger.ONESHOT);
        assertEquals(List.of("EVFILT_WRITE ident=8 EV_ADD|EV_RECEIPT|EV_DISPATCH udata=9"), sys.take());
        assertEquals(3, selector.registrations());
    }

    @Test
    void shouldReregisterToExactlyTheNewFiltersAfterAProbe() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.take();
        selector.reregister(5, 8, W, Trigger.EDGE);
        assertEquals(List.of("EVFILT_READ ident=5 EV_RECEIPT udata=7", "EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0",
                "EVFILT_WRITE ident=5 EV_ADD|EV_CLEAR|EV_RECEIPT udata=8"), sys.take());
        selector.reregister(5, 9, RW, Trigger.EDGE);
        assertEquals(List.of("EVFILT_WRITE ident=5 EV_RECEIPT udata=8", "EVFILT_READ ident=5 EV_ADD|EV_CLEAR|EV_RECEIPT udata=9",
                "EVFILT_WRITE ident=5 EV_ADD|EV_ENABLE|EV_CLEAR|EV_RECEIPT udata=9"), sys.take());
    }

    @Test
    void shouldDeleteAndAddAgainWhenTheTriggerChanges() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.take();
        selector.reregister(5, 7, R, Trigger.ONESHOT);
        assertEquals(List.of("EVFILT_READ ident=5 EV_RECEIPT udata=7", "EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0",
                "EVFILT_READ ident=5 EV_ADD|EV_RECEIPT|EV_DISPATCH udata=7"), sys.take());
        // Same trigger: modify and re-enable (re-arms a oneshot filter that fired).
        selector.reregister(5, 7, R, Trigger.ONESHOT);
        assertEquals(List.of("EVFILT_READ ident=5 EV_RECEIPT udata=7",
                "EVFILT_READ ident=5 EV_ADD|EV_ENABLE|EV_RECEIPT|EV_DISPATCH udata=7"), sys.take());
    }

    @Test
    void shouldDeregisterTheFiltersItAddedAndForgetTheDescriptor() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, RW, Trigger.LEVEL);
        sys.take();
        selector.deregister(5);
        assertEquals(List.of("EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0", "EVFILT_WRITE ident=5 EV_DELETE|EV_RECEIPT udata=0"), sys.take());
        assertEquals(0, selector.registrations());
        SyscallException e = assertThrows(SyscallException.class, () -> selector.deregister(5));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        assertEquals(List.of(), sys.take(), "an unknown descriptor is refused without a system call");
    }

    @Test
    void shouldRefuseASecondRegisterWithEexistAfterTheKernelConfirmsTheFirst() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.take();
        SyscallException e = assertThrows(SyscallException.class, () -> selector.register(5, 8, R, Trigger.EDGE));
        assertEquals("EEXIST", e.errnoName());
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertEquals(List.of("EVFILT_READ ident=5 EV_RECEIPT udata=7"), sys.take(), "only the probe, which keeps the old token");
    }

    @Test
    void shouldRegisterAgainWhenTheDescriptorWasClosedSinceItsRegistration() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.take();
        sys.probeErrno = Errno.ENOENT; // the kernel dropped the filter: fd 5 was closed and reused
        selector.register(5, 8, W, Trigger.LEVEL);
        assertEquals(List.of("EVFILT_READ ident=5 EV_RECEIPT udata=7", "EVFILT_WRITE ident=5 EV_ADD|EV_RECEIPT udata=8"), sys.take());
        sys.probeErrno = 0;
        selector.deregister(5);
        assertEquals(List.of("EVFILT_WRITE ident=5 EV_DELETE|EV_RECEIPT udata=0"), sys.take());
    }

    @Test
    void shouldReportEnoentAndUndoItsAddsWhenAReregisteredDescriptorWasClosed() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.take();
        sys.probeErrno = Errno.ENOENT;
        SyscallException e = assertThrows(SyscallException.class, () -> selector.reregister(5, 8, RW, Trigger.EDGE));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        List<String> log = sys.take();
        assertEquals("EVFILT_READ ident=5 EV_RECEIPT udata=7", log.get(0));
        assertTrue(log.containsAll(List.of("EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0",
                "EVFILT_WRITE ident=5 EV_DELETE|EV_RECEIPT udata=0")), "the adds to the new file are undone: " + log);
        assertEquals(0, selector.registrations());
    }

    @Test
    void shouldExcuseEpipeOnAddingAWriteFilterAndRecordItAbsent() throws IOException {
        KqueueSelector selector = open(sys);
        sys.addWriteErrno = Errno.EPIPE; // old macOS, pipe whose reader is gone
        selector.register(5, 7, RW, Trigger.EDGE);
        sys.take();
        sys.addWriteErrno = 0;
        selector.deregister(5);
        assertEquals(List.of("EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0"), sys.take(),
                "the write filter was never added, so it is not deleted");
    }

    @Test
    void shouldRefuseARegistrationWhoseOnlyFilterWasExcused() throws IOException {
        KqueueSelector selector = open(sys);
        sys.addWriteErrno = Errno.EPIPE; // FreeBSD: a pipe whose reader is gone keeps no write knote
        SyscallException e = assertThrows(SyscallException.class, () -> selector.register(5, 7, W, Trigger.EDGE));
        assertEquals("EPIPE", e.errnoName());
        assertTrue(e.getMessage().contains("EVFILT_WRITE"), e.getMessage());
        assertEquals(0, selector.registrations(), "nothing is held for fd 5: no entry either");
        sys.addWriteErrno = 0;
        selector.register(5, 8, R, Trigger.EDGE);
        sys.addWriteErrno = Errno.EPIPE;
        e = assertThrows(SyscallException.class, () -> selector.reregister(5, 9, W, Trigger.EDGE));
        assertEquals("EPIPE", e.errnoName());
        assertEquals(0, selector.registrations(), "the read filter was deleted, the write one never added");
    }

    @Test
    void shouldTakeEintrFromARegistrationAsChangesApplied() throws IOException {
        KqueueSelector selector = open(sys);
        sys.changeResult = -Errno.EINTR; // kevent(2): the change list is applied before EINTR
        selector.register(5, 7, RW, Trigger.EDGE);
        assertEquals(1, selector.registrations());
        sys.take();
        sys.changeResult = 0;
        selector.deregister(5);
        assertEquals(List.of("EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0", "EVFILT_WRITE ident=5 EV_DELETE|EV_RECEIPT udata=0"),
                sys.take(), "both filters were recorded as added");
        sys.changeResult = -Errno.EINTR;
        selector.installWaker(3);
    }

    @Test
    void shouldReportARefusedChangeByFilterAndRollTheRegisterBack() throws IOException {
        KqueueSelector selector = open(sys);
        sys.addWriteErrno = Errno.EINVAL;
        SyscallException e = assertThrows(SyscallException.class, () -> selector.register(5, 7, RW, Trigger.EDGE));
        assertEquals("EINVAL", e.errnoName());
        assertEquals("kevent(EV_ADD, EVFILT_WRITE)", e.syscall());
        List<String> log = sys.take();
        assertEquals("EVFILT_READ ident=5 EV_DELETE|EV_RECEIPT udata=0", log.get(log.size() - 1), "read filter rolled back: " + log);
        assertEquals(0, selector.registrations());
        sys.addWriteErrno = 0;
        selector.register(5, 7, RW, Trigger.EDGE); // not "already registered": nothing half-registered stayed
        assertEquals(1, selector.registrations());
    }

    @Test
    void shouldReportEbadfForAClosedDescriptor() throws IOException {
        KqueueSelector selector = open(sys);
        sys.addReadErrno = Errno.EBADF;
        SyscallException e = assertThrows(SyscallException.class, () -> selector.register(5, 7, R, Trigger.EDGE));
        assertEquals("EBADF", e.errnoName());
        assertTrue(e.getMessage().contains("fd 5"), e.getMessage());
        assertEquals(0, selector.registrations());
    }

    @Test
    void shouldReportEnoentOnDeregisterWhenTheKernelLostTheFilters() throws IOException {
        KqueueSelector selector = open(sys);
        selector.register(5, 7, R, Trigger.EDGE);
        sys.deleteErrno = Errno.ENOENT;
        SyscallException e = assertThrows(SyscallException.class, () -> selector.deregister(5));
        assertEquals("ENOENT", e.errnoName());
        assertEquals(0, selector.registrations(), "the registration is forgotten either way");
    }

    @Test
    void shouldRefuseInterestsKqueueCannotExpress() throws IOException {
        KqueueSelector selector = open(sys);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(5, 7, Interest.PRIORITY_BIT, Trigger.EDGE));
        assertTrue(e.getMessage().contains("PRIORITY"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> selector.register(5, 7, Interest.LIO_BIT, Trigger.EDGE));
        UnsupportedOperationException aio = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(5, 7, Interest.AIO_BIT, Trigger.EDGE));
        assertTrue(aio.getMessage().contains("AIO") && aio.getMessage().contains("darwin"), aio.getMessage());
        KqueueSelector freebsd = open(new ScriptedKqueueSystem(KqueueAbi.FREEBSD_12));
        freebsd.register(5, 7, Interest.AIO_BIT, Trigger.EDGE); // no filter: the kernel posts AIO itself
        assertEquals(1, freebsd.registrations());
        KqueueSelector netbsd = open(new ScriptedKqueueSystem(KqueueAbi.NETBSD));
        assertThrows(UnsupportedOperationException.class, () -> netbsd.register(5, 7, Interest.AIO_BIT, Trigger.EDGE));
        open(new ScriptedKqueueSystem(KqueueAbi.FREEBSD_12)).register(5, 7, Interest.LIO_BIT | R, Trigger.EDGE);
    }

    @Test
    void shouldRefuseItsOwnDescriptors() throws IOException {
        KqueueSelector selector = open(sys);
        assertThrows(IllegalArgumentException.class, () -> selector.register(ScriptedKqueueSystem.KQ, 1, R, Trigger.EDGE));
        KqueueSelector openbsd = open(new ScriptedKqueueSystem(KqueueAbi.OPENBSD));
        assertThrows(IllegalArgumentException.class, () -> openbsd.register(ScriptedKqueueSystem.PIPE_READ, 1, R, Trigger.EDGE));
        assertThrows(IllegalArgumentException.class, () -> openbsd.register(-1, 1, R, Trigger.EDGE));
    }

    @Test
    void shouldPassTheTimeoutExactlyToTheNanosecond() throws IOException {
        KqueueSelector selector = open(sys);
        EventBuffer events = selector.newEventBuffer(4);
        selector.select(events, 1_500_000_001L);
        assertEquals(1_500_000_001L, sys.lastTimeoutNanos);
        selector.select(events, 1);
        assertEquals(1, sys.lastTimeoutNanos, "one nanosecond, not rounded up to a millisecond");
        selector.select(events, 0);
        assertEquals(0, sys.lastTimeoutNanos);
        selector.select(events, -1);
        assertEquals(-1, sys.lastTimeoutNanos, "wait forever: a NULL timeout");
    }

    @Test
    void shouldTreatEintrAsNoEventsAndReportOtherErrors() throws IOException {
        KqueueSelector selector = open(sys);
        EventBuffer events = selector.newEventBuffer(4);
        sys.pollResult = -Errno.EINTR;
        assertEquals(0, selector.select(events, -1));
        sys.pollResult = -Errno.EBADF;
        SyscallException e = assertThrows(SyscallException.class, () -> selector.select(events, 0));
        assertEquals("kevent", e.syscall());
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void shouldArmAUserEventWakerWhereTheSystemHasOne() throws IOException {
        KqueueSelector selector = new KqueueSelector(sys);
        assertEquals(List.of("EVFILT_USER ident=0 EV_ADD|EV_CLEAR|EV_RECEIPT udata=-1"), sys.take(),
                "armed at open with the no-waker token, so a close can interrupt a poll");
        selector.installWaker(42);
        assertEquals(List.of("EVFILT_USER ident=0 EV_DELETE|EV_RECEIPT udata=0", "EVFILT_USER ident=0 EV_ADD|EV_CLEAR|EV_RECEIPT udata=42"),
                sys.take(), "deleted and added again: a pending trigger of an old waker is forgotten");
        selector.wake();
        assertEquals(List.of("EVFILT_USER ident=0 0 fflags=0x1000000 udata=42"), sys.take());
        selector.close();
        assertEquals(List.of("close 1000"), sys.take());
    }

    @Test
    void shouldUseAPipeWakerWhereTheSystemHasNoUserEvent() throws IOException {
        ScriptedKqueueSystem netbsd = new ScriptedKqueueSystem(KqueueAbi.NETBSD);
        KqueueSelector selector = new KqueueSelector(netbsd);
        assertEquals(List.of("EVFILT_READ ident=1001 EV_ADD|EV_CLEAR|EV_RECEIPT udata=-1"), netbsd.take());
        selector.installWaker(42);
        assertEquals(List.of("EVFILT_READ ident=1001 EV_ADD|EV_CLEAR|EV_RECEIPT udata=42"), netbsd.take());
        selector.wake();
        assertEquals(List.of("write 1002 1"), netbsd.take());
        selector.close();
        assertEquals(List.of("close 1001", "close 1002", "close 1000"), netbsd.take());
    }

    @Test
    void shouldOwnOnlyEventBuffersOfItsOwnLayout() throws IOException {
        KqueueSelector darwin = open(sys);
        KqueueSelector freebsd = open(new ScriptedKqueueSystem(KqueueAbi.FREEBSD_12));
        assertTrue(darwin.owns(darwin.newEventBuffer(1)));
        assertTrue(!darwin.owns(freebsd.newEventBuffer(1)), "a 64-byte FreeBSD array cannot be filled by a 32-byte kevent");
    }
}
