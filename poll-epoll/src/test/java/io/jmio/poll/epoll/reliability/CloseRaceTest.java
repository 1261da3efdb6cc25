package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Close from one thread while another is inside an operation on the same stream, with an acceptor
 * that gets the closed descriptor's number at once (the kernel hands out the lowest free one): no
 * byte may cross from one connection to another, and no stale registry call may claim or remove the
 * new connection's registration (review D1). Each round: the old server-side stream {@code s1}, its
 * idle peer {@code c1}, and a new client {@code c2} already connected and queued on the listener;
 * a worker thread loops on {@code s1}; the test thread closes {@code s1} and accepts {@code s2}.
 * Bounded in rounds and in time; heap buffers widen the window (the staging copy runs inside it).
 */
class CloseRaceTest {
    private static final int ROUNDS = 3000;
    private static final Duration BUDGET = Duration.ofSeconds(15);
    private static final byte[] NEW = "NEW-CONNECTION".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What a round's worker saw. */
    private static final class Outcome {
        volatile boolean started;
        volatile int crossed;
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
    }

    /** A worker's loop over the old stream until it reports closed. */
    @FunctionalInterface
    private interface Loop {
        void run(TcpStream s1, Outcome outcome) throws IOException;
    }

    private static void readUntilClosed(TcpStream s1, Outcome o) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (true) {
            buf.clear();
            int n = s1.read(buf);
            o.started = true;
            if (n > 0) {
                o.crossed++;          // c1 never writes: these bytes are another connection's
                return;
            }
        }
    }

    private static void writeUntilClosed(TcpStream s1, Outcome o) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap("OLD".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (true) {
            buf.rewind();
            s1.write(buf);
            o.started = true;
        }
    }

    @Test
    void shouldNeverReadAnotherConnectionsBytesThroughAClosedStream() throws Exception {
        race(CloseRaceTest::readUntilClosed, false, "rounds where a closed stream's reader got the new connection's bytes");
    }

    @Test
    void shouldNeverWriteIntoAnotherConnectionThroughAClosedStream() throws Exception {
        race(CloseRaceTest::writeUntilClosed, true, "rounds where the new connection's peer received the closed stream's writes");
    }

    private static void race(Loop loop, boolean checkPeer, String crossing) throws Exception {
        int crossedRounds = 0;
        int failedRounds = 0;
        Throwable firstFailure = null;
        int rounds = 0;
        long end = System.nanoTime() + BUDGET.toNanos();
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress address = listener.localAddress();
            for (; rounds < ROUNDS && System.nanoTime() < end; rounds++) {
                try (SocketChannel c1 = SocketChannel.open(address)) {
                    TcpStream s1 = acceptOne(listener);
                    try (SocketChannel c2 = SocketChannel.open(address)) {
                        c2.write(ByteBuffer.wrap(NEW));
                        Outcome outcome = new Outcome();
                        Thread worker = worker(loop, s1, outcome);
                        while (!outcome.started && worker.isAlive()) {
                            Thread.onSpinWait();
                        }
                        s1.close();
                        try (TcpStream s2 = acceptOne(listener)) {
                            worker.join(5_000);
                            assertTrue(!worker.isAlive(), "the worker stops once the stream is closed");
                            int crossed = outcome.crossed;
                            if (checkPeer) {
                                c2.configureBlocking(false);
                                crossed += Math.max(0, c2.read(ByteBuffer.allocate(4096)));
                            }
                            if (crossed > 0) {
                                crossedRounds++;
                            }
                            if (outcome.unexpected.get() != null) {
                                failedRounds++;
                                firstFailure = firstFailure == null ? outcome.unexpected.get() : firstFailure;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("CloseRaceTest: %d rounds, %d crossed, %d other failures%s%n", rounds, crossedRounds,
                failedRounds, firstFailure == null ? "" : " (first: " + firstFailure + ")");
        assertTrue(rounds >= 200, "too few rounds in the time budget: " + rounds);
        assertEquals(0, crossedRounds, crossing + ", of " + rounds);
        assertEquals(0, failedRounds, "operations racing close must end in ClosedChannelException, not "
                + firstFailure);
    }

    private static Thread worker(Loop loop, TcpStream s1, Outcome outcome) {
        Thread t = new Thread(() -> {
            try {
                loop.run(s1, outcome);
            } catch (ClosedChannelException expected) {
                // the only way out once the stream is closed
            } catch (Throwable e) {
                outcome.unexpected.set(e);   // e.g. EBADF: the syscall ran on a closed number
            } finally {
                outcome.started = true;
            }
        }, "close-race-worker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static TcpStream acceptOne(TcpListener listener) throws IOException {
        for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; ) {
            TcpStream s = listener.accept();
            if (s != null) {
                return s;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no connection to accept");
    }

    /**
     * A worker loops registering and deregistering the old stream while it is closed and its number
     * given to the new one, which the test thread registers: a stale register must not take the new
     * stream's number (the test thread's register would fail with EEXIST, or the old token would
     * report the new stream's data) and a stale deregister must not remove the new registration.
     */
    @Test
    void shouldNeverClaimOrRemoveTheNewConnectionsRegistration() throws Exception {
        final long oldToken = 1;
        final long newToken = 2;
        int claimed = 0;
        int removed = 0;
        int reported = 0;
        int failedRounds = 0;
        Throwable firstFailure = null;
        int rounds = 0;
        long end = System.nanoTime() + BUDGET.toNanos();
        try (Poll poll = Poll.open("epoll");
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Events events = Events.withCapacity(16);
            InetSocketAddress address = listener.localAddress();
            for (; rounds < ROUNDS && System.nanoTime() < end; rounds++) {
                try (SocketChannel c1 = SocketChannel.open(address)) {
                    TcpStream s1 = acceptOne(listener);
                    try (SocketChannel c2 = SocketChannel.open(address)) {
                        c2.write(ByteBuffer.wrap(NEW));
                        Outcome outcome = new Outcome();
                        Thread worker = worker((s, o) -> {
                            Token t = Token.of(oldToken);
                            while (true) {
                                try {
                                    poll.registry().register(s, t, Interest.READABLE);
                                    o.started = true;
                                    poll.registry().deregister(s);
                                } catch (ClosedChannelException e) {
                                    throw e;
                                } catch (IOException e) {
                                    if (!(e instanceof SyscallFailure)) {
                                        throw e;
                                    }
                                    String name = ((SyscallFailure) e).errnoName();
                                    if (!name.equals("EEXIST") && !name.equals("ENOENT")) {
                                        throw e;   // EBADF: the call ran on a closed number
                                    }
                                }
                            }
                        }, s1, outcome);
                        while (!outcome.started && worker.isAlive()) {
                            Thread.onSpinWait();
                        }
                        s1.close();
                        try (TcpStream s2 = acceptOne(listener)) {
                            try {
                                poll.registry().register(s2, Token.of(newToken), Interest.READABLE);
                            } catch (IOException e) {
                                claimed++;   // EEXIST: the old stream's stale register holds the number
                            }
                            worker.join(5_000);
                            assertTrue(!worker.isAlive(), "the worker stops once the stream is closed");
                            try {
                                poll.registry().register(s2, Token.of(newToken), Interest.READABLE);
                                removed++;   // accepted again: a stale deregister had removed it
                            } catch (IOException stillRegistered) {
                                // EEXIST, as it must be
                            }
                            poll.poll(events, Duration.ZERO);
                            for (Event e : events) {
                                if (e.token() == oldToken) {
                                    reported++;   // the closed stream's token reports the new stream's data
                                }
                            }
                            poll.registry().deregister(s2);
                            if (outcome.unexpected.get() != null) {
                                failedRounds++;
                                firstFailure = firstFailure == null ? outcome.unexpected.get() : firstFailure;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("CloseRaceTest registry: %d rounds, %d claimed, %d removed, %d reported under the old token,"
                + " %d other failures%s%n", rounds, claimed, removed, reported, failedRounds,
                firstFailure == null ? "" : " (first: " + firstFailure + ")");
        assertTrue(rounds >= 200, "too few rounds in the time budget: " + rounds);
        assertEquals(0, claimed + removed + reported, "stale registry calls reached the new connection");
        assertEquals(0, failedRounds, "registry calls racing close must end in ClosedChannelException, not "
                + firstFailure);
    }
}
