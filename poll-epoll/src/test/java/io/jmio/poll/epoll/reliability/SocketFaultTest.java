package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallException;
import io.jmio.poll.SyscallSocketException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket faults on real loopback TCP: a reset in the middle of a two-way stream, half-closes in
 * each direction with data still flowing the other way, registered sockets closed while another
 * thread polls, and running out of descriptors in an accept loop. In each the bytes that do arrive
 * are checked, the failure is reported as the errno it is, and the {@link Poll} carries on.
 * (Closing the Poll under a blocked poll is in {@code PollContract}; a signal in {@code epoll_wait}
 * in {@code EpollFaultTest}.)
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketFaultTest {
    private static final long CLIENT = 1;
    private static final long SERVER = 2;
    private static final long PROBE = 99;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    void peerResetMidStreamDeliversOnlyGoodBytesThenEconnreset(Trigger trigger) throws IOException {
        TcpStream[] pair = Loopback.tcpPair();
        try (Poll poll = Poll.open(); TcpStream client = pair[0]; TcpStream server = pair[1]) {
            Events events = Events.withCapacity(8);
            Loopback.Sender clientOut = new Loopback.Sender(11, 64L << 20);
            Loopback.Sender serverOut = new Loopback.Sender(22, 64L << 20);
            Loopback.Receiver serverIn = new Loopback.Receiver(11, 64L << 20);
            // Both directions in flight and backed up: neither side can send everything.
            assertFalse(clientOut.pump(client));
            assertFalse(serverOut.pump(server));
            poll.registry().register(server, Token.of(SERVER), Interest.READABLE.add(Interest.WRITABLE), trigger);
            serverIn.pump(server);
            assertTrue(serverIn.received > 0);
            client.setLinger(Duration.ZERO);
            client.close(); // RST, with unread data on both sides
            Expect.events(poll, events, Expect.readClosed(SERVER));
            // What still arrives is the stream, in order; then the reset is reported as ECONNRESET
            // (or, once reported, as end of stream); writing fails with EPIPE or ECONNRESET.
            SyscallSocketException reset = null;
            for (int i = 0; i < 10_000 && !serverIn.endOfStream && reset == null; i++) {
                try {
                    serverIn.pump(server);
                } catch (SyscallSocketException e) {
                    reset = e;
                }
            }
            assertNotNull(reset, "no ECONNRESET after the peer's reset; read " + serverIn.received + " bytes");
            assertEquals("ECONNRESET", reset.errnoName(), reset.getMessage());
            SyscallSocketException write = assertThrows(SyscallSocketException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    serverOut.pump(server);
                }
            });
            assertTrue(Set.of("EPIPE", "ECONNRESET").contains(write.errnoName()), write.getMessage());
            // The dead socket can still be deregistered, and the poll works on.
            poll.registry().deregister(server);
            assertPollWorks(poll, events);
        }
    }

    /** Which side shuts down its sending half first. */
    @ParameterizedTest(name = "client shuts down first: {0}")
    @ValueSource(booleans = {true, false})
    void halfCloseEndsOneDirectionWhileTheOtherKeepsFlowing(boolean clientFirst) throws IOException {
        TcpStream[] pair = Loopback.tcpPair();
        try (Poll poll = Poll.open(); TcpStream client = pair[0]; TcpStream server = pair[1]) {
            TcpStream first = clientFirst ? client : server;
            TcpStream second = clientFirst ? server : client;
            long firstToken = clientFirst ? CLIENT : SERVER;
            long secondToken = clientFirst ? SERVER : CLIENT;
            Interest both = Interest.READABLE.add(Interest.WRITABLE);
            poll.registry().register(first, Token.of(firstToken), both);
            poll.registry().register(second, Token.of(secondToken), both);
            Events events = Events.withCapacity(8);
            // The first side sends 1 MiB and shuts down writing; the second sends 8 MiB, throttled by
            // backpressure, and shuts down only after the first has read all of it.
            Loopback.Sender firstOut = new Loopback.Sender(1, 1 << 20);
            Loopback.Sender secondOut = new Loopback.Sender(2, 8 << 20);
            Loopback.Receiver firstIn = new Loopback.Receiver(2, 8 << 20);
            Loopback.Receiver secondIn = new Loopback.Receiver(1, 1 << 20);
            boolean firstShut = false;
            boolean secondShut = false;
            boolean secondSawReadClosed = false;
            boolean firstSawReadClosed = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(firstIn.endOfStream && secondIn.endOfStream)) {
                assertTrue(System.nanoTime() < deadline, "stalled: first got " + firstIn.received + ", second got "
                        + secondIn.received);
                poll.poll(events, Duration.ofSeconds(1));
                for (Event e : events) {
                    if (e.token() == firstToken) {
                        firstSawReadClosed |= e.isReadClosed();
                        if (!firstShut && firstOut.pump(first)) {
                            first.shutdown(Shutdown.WRITE);
                            firstShut = true;
                        }
                        firstIn.pump(first);
                    } else {
                        secondSawReadClosed |= e.isReadClosed();
                        secondIn.pump(second);
                        if (!secondShut && secondOut.pump(second) && secondIn.endOfStream) {
                            second.shutdown(Shutdown.WRITE);
                            secondShut = true;
                        }
                    }
                }
                if (!secondShut && secondIn.endOfStream && secondOut.sent == secondOut.total()) {
                    second.shutdown(Shutdown.WRITE);
                    secondShut = true;
                }
            }
            assertEquals(firstOut.total(), secondIn.received, "bytes before the first shutdown");
            assertEquals(secondOut.total(), firstIn.received, "bytes after the first shutdown");
            // Each side is told of the other's shutdown as read-closed: in an event already seen, or, if
            // the end of stream was read before that event was gathered, in the next poll.
            List<Expect.Expected> pending = new ArrayList<>();
            if (!secondSawReadClosed) {
                pending.add(Expect.readClosed(secondToken));
            }
            if (!firstSawReadClosed) {
                pending.add(Expect.readClosed(firstToken));
            }
            Expect.events(poll, events, pending.toArray(new Expect.Expected[0]));
            // Writing into a shut-down half fails with EPIPE and raises no SIGPIPE.
            SyscallSocketException e = assertThrows(SyscallSocketException.class, () -> first.write(ByteBuffer.allocate(1)));
            assertEquals("EPIPE", e.errnoName(), e.getMessage());
            assertPollWorks(poll, events);
        }
    }

    /**
     * 300 times: a registered socket with data arriving is closed while another thread polls. A poll
     * that begins after the close returned never reports the closed socket's token; nothing crashes.
     */
    @Test
    void closingRegisteredSocketsWhileAnotherThreadPolls() throws Exception {
        int rounds = 300;
        Set<Long> closed = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService poller = Executors.newSingleThreadExecutor();
        try (Poll poll = Poll.open()) {
            Future<Long> polling = poller.submit(() -> {
                Events events = Events.withCapacity(64);
                long polls = 0;
                while (!done.get()) {
                    Set<Long> closedBefore = Set.copyOf(closed);
                    poll.poll(events, Duration.ofMillis(5));
                    polls++;
                    for (Event e : events) {
                        if (closedBefore.contains(e.token())) {
                            fail("event for token " + e.token() + " after its socket was closed: " + e);
                        }
                    }
                }
                return polls;
            });
            ByteBuffer data = ByteBuffer.allocateDirect(1024);
            for (int i = 0; i < rounds; i++) {
                TcpStream[] pair = Loopback.tcpPair();
                long token = 1000 + i;
                try (TcpStream client = pair[0]) {
                    poll.registry().register(pair[1], Token.of(token), Interest.READABLE.add(Interest.WRITABLE),
                            Trigger.values()[i % 3]);
                    data.clear();
                    client.write(data);
                    pair[1].close();
                    closed.add(token);
                    data.clear();
                    try {
                        client.write(data); // more data toward the closed socket: answered by a reset
                    } catch (SyscallSocketException peerGone) {
                        assertTrue(Set.of("EPIPE", "ECONNRESET").contains(peerGone.errnoName()), peerGone.getMessage());
                    }
                }
                if (polling.isDone()) {
                    polling.get();
                }
            }
            done.set(true);
            assertTrue(polling.get(10, TimeUnit.SECONDS) > 0);
            assertPollWorks(poll, Events.withCapacity(8));
        } finally {
            poller.shutdownNow();
        }
    }

    /**
     * An echo server runs out of descriptors with five connections waiting: each accept fails with
     * {@code EMFILE}, the loop counts it and keeps serving the connection it has, and once descriptors
     * are free it accepts and serves all five. Edge-triggered, no new event announces the waiting
     * connections, so the loop retries the accept by itself; level-triggered, it is told again.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    void anAcceptLoopOutOfDescriptorsCarriesOnAndServesEveryoneOnceFree(Trigger trigger) throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(Loopback.anyPort())) {
            EchoServer server = new EchoServer(poll, listener, trigger, 0);
            try (server) {
                // A first connection, served before the shortage (and loading every class the loop uses).
                TcpStream first = TcpStream.connect(listener.localAddress());
                Loopback.Sender firstOut = new Loopback.Sender(3, 32 << 20);
                Loopback.Receiver firstIn = new Loopback.Receiver(3, 32 << 20);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (server.accepted < 1 || firstIn.received < 1 << 20) {
                    assertTrue(System.nanoTime() < deadline, "first connection stalled");
                    server.step(Duration.ofMillis(10));
                    firstOut.pump(first);
                    firstIn.pump(first);
                }
                // Five more wait in the backlog while every descriptor is taken.
                List<TcpStream> waiting = new ArrayList<>();
                List<Loopback.Sender> outs = new ArrayList<>();
                List<Loopback.Receiver> ins = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    waiting.add(TcpStream.connect(listener.localAddress()));
                    outs.add(new Loopback.Sender(5 + 2 * i, 50_000));
                    ins.add(new Loopback.Receiver(5 + 2 * i, 50_000));
                }
                List<Integer> fillers = new ArrayList<>();
                long servedDuringShortage;
                Set<Integer> openBefore = openDescriptors();
                try {
                    fillUntilEmfile(fillers);
                    long before = firstIn.received;
                    for (int i = 0; i < 500 && (server.acceptFailures < 3 || firstIn.received < before + (1 << 20)); i++) {
                        server.step(Duration.ofMillis(10));
                        firstOut.pump(first);
                        firstIn.pump(first);
                    }
                    servedDuringShortage = firstIn.received - before;
                    assertOnlyTransientDescriptorsAccepted(server.acceptedFds, openBefore);
                } finally {
                    for (int fd : fillers) {
                        Posix.close(fd);
                    }
                }
                assertTrue(server.acceptFailures >= 3, "EMFILE reported " + server.acceptFailures + " times");
                assertTrue(servedDuringShortage >= 1 << 20, "the existing connection was served during the shortage: "
                        + servedDuringShortage + " bytes");
                // Descriptors are free again: everyone gets accepted and echoed in full.
                while (server.completed < 6) {
                    assertTrue(System.nanoTime() < deadline + Duration.ofSeconds(20).toNanos(),
                            "after the shortage: " + server.accepted + " accepted, " + server.completed + " completed");
                    server.step(Duration.ofMillis(10));
                    firstOut.pump(first);
                    firstIn.pump(first);
                    for (int i = 0; i < waiting.size(); i++) {
                        outs.get(i).pump(waiting.get(i));
                        ins.get(i).pump(waiting.get(i));
                    }
                }
                firstIn.pump(first);
                assertEquals(firstOut.total(), firstIn.received);
                for (int i = 0; i < waiting.size(); i++) {
                    ins.get(i).pump(waiting.get(i));
                    assertEquals(outs.get(i).total(), ins.get(i).received, "connection " + i);
                    waiting.get(i).close();
                }
                first.close();
                assertEquals(6, server.accepted);
                assertEquals(0, server.peerGone);
            }
        }
    }

    /**
     * Review D3, the kernel fact behind {@code TcpListener}'s advice on running out of descriptors: the
     * listener's readiness is spent on an accept that fails with {@code EMFILE}; once descriptors are
     * free again, an edge-triggered listener is not reported again although the connection is still
     * queued (a loop waiting for its next event would wait for a new client), and the recommended
     * retry, an accept without an event, takes the connection. A level-triggered listener is reported
     * again.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    void afterEmfileOnlyALevelTriggeredListenerIsReportedAgainAndAnAcceptRetryTakesTheConnection(Trigger trigger)
            throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(Loopback.anyPort())) {
            Events events = Events.withCapacity(8);
            long token = 1_000_000;
            poll.registry().register(listener, token, Interest.READABLE, trigger);
            // Classes the shortage path needs are loaded while descriptors, which class loading takes, are free.
            io.jmio.poll.spi.SyscallErrors.socketError("accept4", io.jmio.poll.posix.Errno.EMFILE, "EMFILE", "class loading");
            try (TcpStream warmUp = TcpStream.connect(listener.localAddress())) {
                Expect.events(poll, events, Expect.readable(token));
                listener.accept().close();
                assertEquals(null, listener.accept());
            }
            Expect.noEvents(poll, events);
            try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                List<Integer> fillers = new ArrayList<>();
                try {
                    fillUntilEmfile(fillers);
                    Expect.events(poll, events, Expect.readable(token));
                    // Again: a descriptor a JVM thread held for a moment during the fill may be free now.
                    fillUntilEmfile(fillers);
                    SyscallSocketException emfile = assertThrows(SyscallSocketException.class, listener::accept);
                    assertEquals("EMFILE", emfile.errnoName());
                } finally {
                    for (int fd : fillers) {
                        Posix.close(fd);
                    }
                }
                if (trigger == Trigger.EDGE) {
                    Expect.noEvents(poll, events); // the queued connection is not announced again
                } else {
                    Expect.events(poll, events, Expect.readable(token));
                }
                TcpStream accepted = listener.accept(); // the retry the advice recommends
                assertNotNull(accepted, "the connection stayed queued through the shortage");
                accepted.close();
            }
        }
    }

    /**
     * A poll serving 100 live connections is closed by another thread while its owner is blocked in
     * {@code poll} between bursts of data: the owner gets {@link ClosedPollException} promptly, and the
     * sockets, which a Poll does not own, stay open and intact: a new Poll serves every one of them,
     * with every byte of the stream in order.
     */
    @Test
    void closingThePollUnderItsOwnerLeavesTheSocketsWholeForANewPoll() throws Exception {
        int n = 100;
        List<TcpStream[]> pairs = new ArrayList<>();
        List<Loopback.Sender> outs = new ArrayList<>();
        List<Loopback.Receiver> ins = new ArrayList<>();
        ExecutorService owner = Executors.newSingleThreadExecutor();
        try {
            Poll first = Poll.open();
            for (int i = 0; i < n; i++) {
                pairs.add(Loopback.tcpPair());
                outs.add(new Loopback.Sender(100 + i, 1 << 20));
                ins.add(new Loopback.Receiver(100 + i, 1 << 20));
                first.registry().register(pairs.get(i)[1], Token.of(i), Interest.READABLE);
            }
            CountDownLatch served = new CountDownLatch(n);
            Future<Throwable> polling = owner.submit(() -> {
                Events events = Events.withCapacity(256);
                boolean[] seen = new boolean[n];
                try {
                    while (true) {
                        first.poll(events, null); // blocks between bursts
                        for (Event e : events) {
                            int i = (int) e.token();
                            ins.get(i).pump(pairs.get(i)[1]);
                            if (!seen[i]) {
                                seen[i] = true;
                                served.countDown();
                            }
                        }
                    }
                } catch (ClosedPollException expected) {
                    return expected;
                }
            });
            for (int i = 0; i < n; i++) { // a first burst on every connection
                outs.get(i).pumpOnce(pairs.get(i)[0]);
            }
            assertTrue(served.await(10, TimeUnit.SECONDS), "every connection served before the close");
            first.close(); // the owner is blocked in poll (or about to be): it must return
            Throwable ended = polling.get(10, TimeUnit.SECONDS);
            assertTrue(ended instanceof ClosedPollException, String.valueOf(ended));
            // The sockets survive their poll: a new one serves the rest of every stream.
            try (Poll second = Poll.open()) {
                for (int i = 0; i < n; i++) {
                    second.registry().register(pairs.get(i)[1], Token.of(i), Interest.READABLE);
                    second.registry().register(pairs.get(i)[0], Token.of(n + i), Interest.WRITABLE);
                }
                Events events = Events.withCapacity(256);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                int complete = 0;
                while (complete < n) {
                    assertTrue(System.nanoTime() < deadline, complete + " of " + n + " streams complete");
                    second.poll(events, Duration.ofSeconds(1));
                    for (Event e : events) {
                        int i = (int) (e.token() % n);
                        if (e.token() >= n) {
                            outs.get(i).pump(pairs.get(i)[0]);
                        } else {
                            Loopback.Receiver in = ins.get(i);
                            boolean was = in.received == outs.get(i).total();
                            in.pump(pairs.get(i)[1]);
                            if (!was && in.received == outs.get(i).total()) {
                                complete++;
                            }
                        }
                    }
                }
            }
        } finally {
            owner.shutdownNow();
            for (TcpStream[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }

    /** @return the numbers of this process's open descriptors, from {@code /proc/self/fd}, but the listing's own */
    private static Set<Integer> openDescriptors() throws IOException {
        Set<Integer> fds = new java.util.HashSet<>();
        java.nio.file.Path self = java.nio.file.Path.of("/proc/self/fd");
        String listing = self.toRealPath().toString();
        try (java.nio.file.DirectoryStream<java.nio.file.Path> dir = java.nio.file.Files.newDirectoryStream(self)) {
            for (java.nio.file.Path fd : dir) {
                try {
                    if (!java.nio.file.Files.readSymbolicLink(fd).toString().equals(listing)) {
                        fds.add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (java.nio.file.NoSuchFileException closedMeanwhile) {
                    // a descriptor another thread held for a moment
                }
            }
        }
        return fds;
    }

    /**
     * The shortage is real for the accept loop: no descriptor that was open before the fill (the
     * Poll's, the listener's, the first connection's, anything else of this process) was freed for
     * an accept meanwhile. The fill cannot take every descriptor for good, though: the JVM's own
     * threads open and close files at any moment (in a container HotSpot's compiler threads and VM
     * thread re-read the cgroup files {@code memory.limit_in_bytes} and {@code memory.stat}, strace
     * shows), so
     * one they hold for a moment when the fill ends is free again a moment later and an accept may
     * take it. Such an accept is allowed; it took a number that was free before the fill.
     */
    private static void assertOnlyTransientDescriptorsAccepted(List<Integer> acceptedFds, Set<Integer> openBefore) {
        List<Integer> duringShortage = acceptedFds.subList(1, acceptedFds.size());
        for (int fd : duringShortage) {
            assertFalse(openBefore.contains(fd), "accepted during the shortage on descriptor " + fd
                    + ", which was open before the fill: something of this process closed it meanwhile");
        }
        // The holders seen: two compiler threads and the VM thread, one descriptor each at a time.
        assertTrue(duringShortage.size() <= 3, "accepted during the shortage " + duringShortage
                + ": more than the JVM's threads hold for a moment");
    }

    private static void fillUntilEmfile(List<Integer> fillers) {
        for (int i = 0; i < 1_000_000; i++) {
            try {
                int[] p = Posix.pipe();
                fillers.add(p[0]);
                fillers.add(p[1]);
            } catch (SyscallException e) {
                assertEquals("EMFILE", e.errnoName(), e.getMessage());
                // Odd limits leave one descriptor free: take it too.
                try {
                    fillers.add(Posix.socket(SocketConstants.AF_UNIX, SocketConstants.SOCK_DGRAM));
                } catch (java.io.IOException last) {
                    assertEquals("EMFILE", ((SyscallSocketException) last).errnoName(), last.getMessage());
                }
                return;
            }
        }
        throw new AssertionError("descriptor limit never reached");
    }

    private static void assertPollWorks(Poll poll, Events events) throws IOException {
        TcpStream[] pair = Loopback.tcpPair();
        try (TcpStream a = pair[0]; TcpStream b = pair[1]) {
            poll.registry().register(b, Token.of(PROBE), Interest.READABLE);
            assertEquals(3, a.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            Expect.events(poll, events, Expect.readable(PROBE));
            poll.registry().deregister(b);
        }
    }
}
