package io.jmio.poll.iocp;

import static io.jmio.poll.contract.Expect.readable;
import static io.jmio.poll.contract.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The IOCP selector's own rules, over the Linux emulation: edge mode with re-arm, what a
 * registration submits or cancels, slot lifetime across deregistration, AFD handle sharing, close.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IocpSelectorTest {
    private final RecordingSystem system = new RecordingSystem(true);
    private final List<Integer> fds = new ArrayList<>();
    private Poll poll;
    private IocpSelector selector;
    private final Events events = Events.withCapacity(64);

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open(system.backend());
        selector = system.selector;
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        for (int fd : fds) {
            Fds.close(fd);
        }
    }

    private int[] pipe() throws IOException {
        int[] p = Fds.pipe();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
    }

    private int[] socketPair() throws IOException {
        int[] p = Fds.socketPair();
        fds.add(p[0]);
        fds.add(p[1]);
        return p;
    }

    private void noEventFor(long token) throws IOException {
        for (int i = 0; i < 3; i++) {
            Expect.noEventsFor(poll, events, token);
        }
    }

    @Test
    void edgeTriggeredReportsAgainAfterRearm() throws IOException {
        int[] p = pipe();
        SourceSocket source = new SourceSocket(p[0]);
        poll.registry().register(source, Token.of(2), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(2));
        Fds.write(p[1]);
        Expect.noEvents(poll, events); // documented: no new edge without a re-arm
        assertEquals(2, Fds.drain(p[0]));
        source.rearm(poll.registry(), Interest.READABLE); // what I/O does on WSAEWOULDBLOCK
        Expect.noEvents(poll, events);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(2));
    }

    @Test
    void writableAgainAfterFillDrainAndRearm() throws IOException {
        int[] s = socketPair();
        SourceSocket source = new SourceSocket(s[0]);
        poll.registry().register(source, Token.of(31), Interest.WRITABLE);
        Expect.events(poll, events, writable(31));
        Fds.fill(s[0]);
        source.rearm(poll.registry(), Interest.WRITABLE);
        Expect.noEventsFor(poll, events, 31);
        Fds.drain(s[1]);
        Expect.events(poll, events, writable(31));
    }

    @Test
    void rearmDoesNothingForLevelAndOneshot() throws IOException {
        int[] p = pipe();
        SourceSocket source = new SourceSocket(p[0]);
        poll.registry().register(source, Token.of(3), Interest.READABLE, Trigger.LEVEL);
        poll.poll(events, Duration.ZERO);
        int polls = system.polls.get();
        source.rearm(poll.registry(), Interest.READABLE);
        poll.poll(events, Duration.ZERO);
        assertEquals(polls, system.polls.get(), "level: the pending poll already asks for everything");
    }

    @Test
    void rearmOfAnUnregisteredSocketFailsWithEnoent() throws IOException {
        int[] p = pipe();
        SyscallException e = assertThrows(SyscallException.class,
                () -> new SourceSocket(p[0]).rearm(poll.registry(), Interest.READABLE));
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void registrationsAreSubmittedBeforeTheNextWaitNotAtOnce() throws IOException {
        int[] p = pipe();
        poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
        assertEquals(0, system.polls.get(), "nobody waits: submission is deferred to the next wait");
        poll.poll(events, Duration.ZERO);
        assertEquals(1, system.polls.get());
        poll.poll(events, Duration.ZERO);
        assertEquals(1, system.polls.get(), "still pending: no second poll");
    }

    @Test
    void wideningAnInterestCancelsThePendingPollNarrowingDoesNot() throws IOException {
        int[] s = socketPair();
        SourceFd source = new SourceFd(s[0]);
        poll.registry().register(source, Token.of(10), Interest.READABLE.add(Interest.WRITABLE));
        Expect.events(poll, events, writable(10));
        poll.registry().reregister(source, Token.of(10), Interest.READABLE);
        Expect.noEvents(poll, events);
        int cancels = system.cancels.get();
        poll.registry().reregister(source, Token.of(11), Interest.READABLE);
        assertEquals(cancels, system.cancels.get(), "same interest: the pending poll is kept");
        poll.registry().reregister(source, Token.of(12), Interest.READABLE.add(Interest.WRITABLE));
        // Cancel, then resubmit in the same poll: the existing readiness is reported by this very poll.
        assertEquals(1, poll.poll(events, Duration.ZERO));
        assertEquals(12, events.get(0).token());
        assertTrue(events.get(0).isWritable());
        assertEquals(cancels + 1, system.cancels.get(), "SEND was not asked for: cancel and resubmit");
    }

    @Test
    void aDeregisteredSocketKeepsItsSlotUntilTheCancelledPacket() throws IOException {
        int[] p = pipe();
        SourceFd source = new SourceFd(p[0]);
        poll.registry().register(source, Token.of(13), Interest.READABLE);
        poll.poll(events, Duration.ZERO);
        assertEquals(1, system.emulation.pollsInFlight());
        poll.registry().deregister(source);
        assertEquals(0, system.emulation.pollsInFlight(), "cancelled in the kernel");
        assertEquals(1, selector.slotsInUse(), "memory held until the STATUS_CANCELLED packet is dequeued");
        Fds.write(p[1]);
        Expect.noEvents(poll, events);
        assertEquals(0, selector.slotsInUse(), "freed once the packet arrived");
    }

    @Test
    void noEventIsMisroutedWhenSlotsAreReused() throws IOException {
        int[] a = pipe();
        int[] b = pipe();
        int[] c = pipe();
        poll.registry().register(new SourceFd(a[0]), Token.of(1), Interest.READABLE, Trigger.LEVEL);
        poll.poll(events, Duration.ZERO);
        poll.registry().deregister(new SourceFd(a[0]));
        poll.registry().register(new SourceFd(b[0]), Token.of(2), Interest.READABLE, Trigger.LEVEL);
        assertEquals(2, selector.slotsInUse(), "a's slot is still reserved for its cancelled poll");
        Fds.write(a[1]);
        Fds.write(b[1]);
        List<String> seen = Expect.events(poll, events, readable(2));
        assertEquals(1, selector.slotsInUse());
        poll.registry().register(new SourceFd(c[0]), Token.of(3), Interest.READABLE, Trigger.LEVEL);
        Fds.write(c[1]);
        seen.addAll(Expect.events(poll, events, readable(2), readable(3)));
        for (int i = 0; i < 3; i++) {
            poll.poll(events, Duration.ofMillis(20));
            for (Event e : events) {
                seen.add(e.toString());
            }
        }
        assertTrue(seen.stream().noneMatch(e -> e.contains("token=1,") || e.contains("token=1)")),
                "deregistered token reported: " + seen);
    }

    @Test
    void afdHandlesAreSharedByThirtyTwoSockets() throws IOException {
        List<SourceFd> sources = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            SourceFd source = new SourceFd(pipe()[0]);
            poll.registry().register(source, Token.of(i), Interest.READABLE);
            sources.add(source);
        }
        assertEquals(2, system.afdOpens.get());
        assertEquals(2, selector.afdHandles());
        for (SourceFd source : sources) {
            poll.registry().deregister(source);
        }
        assertEquals(1, selector.afdHandles(), "the full handle is closed with its last socket; the newest stays");
    }

    @Test
    void closeCancelsPollsInFlightAndAwaitsTheirPackets() throws IOException {
        for (int i = 0; i < 3; i++) {
            poll.registry().register(new SourceFd(pipe()[0]), Token.of(i), Interest.READABLE);
        }
        poll.poll(events, Duration.ZERO);
        assertEquals(3, system.emulation.pollsInFlight());
        assertEquals(3, selector.inFlight());
        poll.close();
        assertEquals(3, system.cancels.get());
        assertEquals(0, system.emulation.pollsInFlight());
        assertEquals(0, selector.inFlight(), "every packet dequeued before the handles closed");
        assertEquals(2, system.closes.get(), "one AFD handle and the port");
    }

    @Test
    void aPollThatCannotBeSubmittedIsReportedAsAnError() throws IOException {
        int[] p = Fds.pipe();
        fds.add(p[1]);
        poll.registry().register(new SourceFd(p[0]), Token.of(40), Interest.READABLE);
        Fds.close(p[0]); // closed before the poll is submitted: the driver refuses the request
        List<String> seen = new ArrayList<>();
        boolean error = false;
        for (int i = 0; i < 10 && !error; i++) {
            poll.poll(events, Duration.ofMillis(100));
            for (Event e : events) {
                seen.add(e.toString());
                error |= e.token() == 40 && e.isError();
            }
        }
        assertTrue(error, "no error event: " + seen);
        Expect.noEventsFor(poll, events, 40);
        int[] q = pipe();
        poll.registry().register(new SourceFd(q[0]), Token.of(41), Interest.READABLE);
        Fds.write(q[1]);
        Expect.events(poll, events, readable(41));
    }

    @Test
    void wakerPostsItsTokenUnderTheWakerKey() throws IOException {
        Waker waker = new Waker(poll.registry(), Token.of(77));
        waker.wake();
        assertEquals(IocpSelector.WAKER_KEY, system.lastPostKey.get());
        assertEquals(77, system.lastPostOverlapped.get());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(77, events.get(0).token());
        assertTrue(events.get(0).isReadable());
        assertFalse(events.get(0).isWritable());
        assertEquals("WAKER", events.get(0).toString().contains("WAKER") ? "WAKER" : events.get(0).toString());
    }

    @Test
    void priorityInterestIsRefusedAndThePollStaysUsable() throws IOException {
        int[] p = pipe();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE.add(Interest.PRIORITY)));
        assertTrue(e.getMessage().contains("PRIORITY"), e.getMessage());
        poll.registry().register(new SourceFd(p[0]), Token.of(1), Interest.READABLE);
        Fds.write(p[1]);
        Expect.events(poll, events, readable(1));
    }

    @Test
    void timeoutsAreRoundedUpToMilliseconds() {
        assertEquals(-1, IocpSelector.toMillis(-1), "INFINITE is 0xFFFFFFFF");
        assertEquals(0xFFFFFFFF, IocpSelector.toMillis(-1));
        assertEquals(0, IocpSelector.toMillis(0));
        assertEquals(1, IocpSelector.toMillis(1));
        assertEquals(1, IocpSelector.toMillis(1_000_000));
        assertEquals(2, IocpSelector.toMillis(1_000_001));
        assertEquals(Integer.MAX_VALUE, IocpSelector.toMillis(Long.MAX_VALUE));
    }

    @Test
    void sourceFdIsRefusedWhenHandlesAreSockets() throws IOException {
        RecordingSystem windowsLike = new RecordingSystem(false);
        try (Poll p = Poll.open(windowsLike.backend())) {
            int[] pipe = pipe();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> p.registry().register(new SourceFd(pipe[0]), Token.of(1), Interest.READABLE));
            assertTrue(e.getMessage().contains("SourceSocket"), e.getMessage());
            p.registry().register(new SourceSocket(pipe[0]), Token.of(1), Interest.READABLE);
            Fds.write(pipe[1]);
            Events ev = Events.withCapacity(4);
            Expect.events(p, ev, readable(1));
        }
    }
}
