package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Selector rules from the review of the Windows path, each checked over the emulation: the port's
 * concurrency value (mio and wepoll pass 0), and a poll for {@code AFD_POLL_LOCAL_CLOSE} kept in flight
 * after every armed bit was reported, so that a socket closed without deregistering is noticed.
 */
@EnabledOnOs(OS.LINUX)
class IocpSelectorWindowsRulesTest {
    @Test
    void createsThePortWithConcurrencyZero() throws IOException {
        RecordingSystem system = new RecordingSystem(true);
        try (Poll poll = Poll.open(system.backend())) {
            assertEquals(0, system.portConcurrency.get(), "mio's CompletionPort::new(0), wepoll's CreateIoCompletionPort(..., 0)");
        }
    }

    @Test
    void noticesTheCloseOfAOneshotSocketWhoseEventWasReported() throws IOException {
        RecordingSystem system = new RecordingSystem(true);
        try (Poll poll = Poll.open(system.backend())) {
            Events events = Events.withCapacity(4);
            int[] fds = Posix.socketPair(Posix.SOCK_STREAM);
            ByteBuffer one = NativeMemory.allocate(1);
            Posix.write(fds[1], NativeMemory.address(one), 1);
            poll.registry().register(new SourceFd(fds[0]), Token.of(7), Interest.READABLE, Trigger.ONESHOT);
            poll.poll(events, Duration.ofSeconds(5));
            assertEquals(1, events.size(), "the oneshot report");
            int polls = system.polls.get();
            assertEquals(0, poll.poll(events, Duration.ZERO));
            assertEquals(polls + 1, system.polls.get(), "a poll for LOCAL_CLOSE alone goes back in flight");
            assertEquals(1, system.selector.inFlight());
            // Closed without deregistering, as a raw socket may be; Windows then completes the poll in
            // flight with AFD_POLL_LOCAL_CLOSE, and the emulated closesocket does the same.
            EmulatedAfd.localClose(fds[0]);
            Posix.close(fds[1]);
            Posix.close(fds[0]);
            poll.poll(events, Duration.ofMillis(100));
            assertEquals(0, events.size(), "LOCAL_CLOSE reports nothing");
            assertEquals(0, system.selector.inFlight(), "its packet arrived");
            int[] again = Posix.socketPair(Posix.SOCK_STREAM); // Windows, too, reuses handle values quickly
            try {
                assumeTrue(again[0] == fds[0] || again[1] == fds[0], "the descriptor number was not reused");
                // Only a registration seen to be closed may be replaced: without a poll in flight after the
                // oneshot report, the close goes unseen and this fails with EEXIST.
                poll.registry().register(new SourceFd(fds[0]), Token.of(8), Interest.READABLE);
                poll.registry().deregister(new SourceFd(fds[0]));
            } finally {
                Posix.close(again[0]);
                Posix.close(again[1]);
            }
        }
    }
}
