package io.jmio.poll.iocp;

import static io.jmio.poll.contract.Expect.readClosed;
import static io.jmio.poll.contract.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Expect;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What only the IOCP backend on a real Windows kernel shows, with real loopback TCP sockets: the cases
 * every backend shares run as {@link IocpWindowsPollTest} and {@link IocpWindowsWakerTest} (the
 * contracts with Windows sources). Runs on the {@code windows-latest} CI job only (these machines are
 * Linux).
 */
@EnabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IocpWindowsTest {
    private Poll poll;
    private final Events events = Events.withCapacity(64);
    private final List<Long> sockets = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open();
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        for (long s : sockets) {
            Winsock.close(s);
        }
    }

    private long[] pair() throws IOException {
        long[] p = Winsock.connectedPair();
        sockets.add(p[0]);
        sockets.add(p[1]);
        return p;
    }

    @Test
    void pollOpenPicksIocp() {
        assertEquals("iocp", poll.backendName());
    }

    @Test
    void deregisterWithAPendingPollStopsEvents() throws IOException {
        long[] p = pair();
        SourceSocket server = new SourceSocket(p[1]);
        poll.registry().register(server, Token.of(8), Interest.READABLE);
        poll.poll(events, Duration.ZERO); // the AFD poll is now in the kernel
        poll.registry().deregister(server);
        Winsock.send(p[0]);
        Expect.noEvents(poll, events);
        poll.registry().register(server, Token.of(9), Interest.READABLE);
        Expect.events(poll, events, readable(9));
    }

    @Test
    void peerShutdownIsReadClosed() throws IOException {
        long[] p = pair();
        poll.registry().register(new SourceSocket(p[1]), Token.of(10), Interest.READABLE);
        Winsock.shutdownSend(p[0]);
        Expect.events(poll, events, readClosed(10));
    }

    @Test
    void manySocketsAcrossSeveralAfdHandles() throws IOException {
        Set<Long> pending = new HashSet<>();
        for (int i = 0; i < 70; i++) {
            long[] p = pair();
            poll.registry().register(new SourceSocket(p[1]), Token.of(100 + i), Interest.READABLE);
            Winsock.send(p[0]);
            pending.add(100L + i);
        }
        for (int round = 0; round < 50 && !pending.isEmpty(); round++) {
            poll.poll(events, Duration.ofMillis(200));
            events.forEach(e -> pending.remove(e.token()));
        }
        assertTrue(pending.isEmpty(), "never reported: " + pending);
    }

    @Test
    void registryErrorsUseThePortableNames() throws IOException {
        long[] p = pair();
        SourceSocket server = new SourceSocket(p[1]);
        poll.registry().register(server, Token.of(12), Interest.READABLE);
        assertEquals("EEXIST", assertThrows(SyscallException.class,
                () -> poll.registry().register(server, Token.of(12), Interest.READABLE)).errnoName());
        long[] q = Winsock.connectedPair();
        Winsock.close(q[0]);
        Winsock.close(q[1]);
        SyscallException e = assertThrows(SyscallException.class,
                () -> poll.registry().register(new SourceSocket(q[1]), Token.of(13), Interest.READABLE));
        assertEquals("EBADF", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("WSAIoctl"), e.getMessage());
    }

    @Test
    void sourceFdIsRefused() {
        assertThrows(UnsupportedOperationException.class,
                () -> poll.registry().register(new SourceFd(0), Token.of(1), Interest.READABLE));
    }
}
