package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallSocketException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * An echo soak with faults: a server thread (its own {@link Poll}, level-triggered, with a
 * {@link Waker} to stop it) and a client (another {@link Poll}, edge-triggered) keeping 100
 * connections busy for a bounded time. Each connection follows a plan drawn at random: run to the
 * end (most), be reset by the client (linger 0) or closed by the client mid-stream, or be reset by
 * the server mid-stream. At the end every count must match on both sides and the plan: each
 * completed connection echoed every byte, each fault was seen by the other side as exactly one early
 * end, nothing is left open, and the process holds as many descriptors as before.
 *
 * <p>5 seconds in the default suite; 60 seconds under {@code -Pstress}.
 */
@EnabledOnOs(OS.LINUX)
class SoakTest {
    private static final int CONCURRENCY = 100;
    private static final int MAX_BODY = 256 * 1024;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shortSoakWithInjectedResetsAndCloses() throws Exception {
        soak(Duration.ofMillis(300), false); // warm-up: java.net opens its "marker" socket pair once
        soak(Duration.ofSeconds(5), true);
    }

    @Test
    @EnabledIfSystemProperty(named = "jmio.stress", matches = "true")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sixtySecondSoakWithInjectedResetsAndCloses() throws Exception {
        soak(Duration.ofMillis(300), false);
        soak(Duration.ofSeconds(60), true);
    }

    private enum Plan { NORMAL, CLIENT_RESET, CLIENT_CLOSE, SERVER_RESET }

    /** One client connection. */
    private static final class C {
        final TcpStream stream;
        final long token;
        final Plan plan;
        final long seed;
        final long bodyLength;
        final long total;
        final long faultAt;
        long sent;
        long received;

        C(TcpStream stream, long token, Plan plan, long seed, long bodyLength, long faultAt) {
            this.stream = stream;
            this.token = token;
            this.plan = plan;
            this.seed = seed;
            this.bodyLength = bodyLength;
            this.total = SeededStream.HEADER + bodyLength;
            this.faultAt = faultAt;
        }
    }

    /** The client side: keeps {@link #CONCURRENCY} connections going, each on its plan. */
    private static final class Client {
        final Poll poll;
        final InetSocketAddress server;
        final SplittableRandom random;
        final Map<Long, C> conns = new HashMap<>();
        final Events events = Events.withCapacity(256);
        final ByteBuffer out = ByteBuffer.allocateDirect(32 * 1024);
        final ByteBuffer in = ByteBuffer.allocateDirect(32 * 1024);
        final long[] planned = new long[Plan.values().length];
        long nextToken;
        long started;
        long completed;
        long completedBytes;
        long cutShort;
        long injected;
        long bytesSent;
        long bytesVerified;

        Client(Poll poll, InetSocketAddress server, long seed) {
            this.poll = poll;
            this.server = server;
            this.random = new SplittableRandom(seed);
        }

        void open() throws IOException {
            int r = random.nextInt(100);
            Plan plan = r < 6 ? Plan.SERVER_RESET : r < 12 ? Plan.CLIENT_RESET : r < 18 ? Plan.CLIENT_CLOSE : Plan.NORMAL;
            long seed = plan == Plan.SERVER_RESET ? random.nextLong() & -EchoServer.SERVER_RESET_PLAN : random.nextLong() | 1;
            long body = 2 + random.nextInt(MAX_BODY);
            long faultAt = plan == Plan.CLIENT_RESET || plan == Plan.CLIENT_CLOSE
                    ? 1 + random.nextLong(SeededStream.HEADER + body - 1) : Long.MAX_VALUE;
            C c = new C(TcpStream.connect(server), nextToken++, plan, seed, body, faultAt);
            conns.put(c.token, c);
            poll.registry().register(c.stream, Token.of(c.token), Interest.READABLE.add(Interest.WRITABLE));
            planned[plan.ordinal()]++;
            started++;
        }

        void step() throws IOException {
            poll.poll(events, Duration.ofMillis(100));
            for (Event e : events) {
                C c = conns.get(e.token());
                if (c != null) {
                    service(c);
                }
            }
        }

        private void service(C c) throws IOException {
            try {
                long limit = Math.min(c.total, c.faultAt);
                while (c.sent < limit) {
                    int chunk = (int) Math.min(out.capacity(), limit - c.sent);
                    out.clear();
                    SeededStream.fill(c.seed, c.bodyLength, c.sent, out, chunk);
                    out.limit(chunk);
                    int n = c.stream.write(out);
                    if (n == 0) {
                        break;
                    }
                    c.sent += n;
                    bytesSent += n;
                }
                if (c.sent >= c.faultAt) {
                    if (c.plan == Plan.CLIENT_RESET) {
                        c.stream.setLinger(Duration.ZERO);
                    }
                    injected++;
                    end(c);
                    return;
                }
                while (true) {
                    in.clear();
                    int n = c.stream.read(in);
                    if (n == 0) {
                        return;
                    }
                    if (n < 0) {
                        if (c.received == c.total) {
                            assertEquals(Plan.NORMAL, c.plan, "connection " + c.token + " completed against its plan");
                            completed++;
                            completedBytes += c.total;
                        } else {
                            assertEquals(Plan.SERVER_RESET, c.plan, "connection " + c.token + ": early end of stream after "
                                    + c.received + " of " + c.total);
                            cutShort++;
                        }
                        end(c);
                        return;
                    }
                    long bad = SeededStream.mismatch(c.seed, c.bodyLength, c.received, in, n);
                    assertEquals(-1, bad, "connection " + c.token + ": echo differs");
                    c.received += n;
                    assertTrue(c.received <= c.total, "connection " + c.token + ": more echo than sent");
                    bytesVerified += n;
                }
            } catch (SyscallSocketException e) {
                assertTrue(e.errnoName().equals("ECONNRESET") || e.errnoName().equals("EPIPE"), e.getMessage());
                assertEquals(Plan.SERVER_RESET, c.plan, "connection " + c.token + " reset: " + e.getMessage());
                cutShort++;
                end(c);
            }
        }

        private void end(C c) throws IOException {
            conns.remove(c.token);
            c.stream.close();
        }
    }

    private static void soak(Duration duration, boolean checkFds) throws Exception {
        int fdsBefore = FdCensus.kernelObjects();
        String fdsBeforeText = FdCensus.describe();
        long seed = System.nanoTime();
        ExecutorService serverThread = Executors.newSingleThreadExecutor();
        long[] target = {-1};
        EchoServer server;
        Client client;
        Future<?> serving;
        try (Poll serverPoll = Poll.open(); Poll clientPoll = Poll.open();
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Waker stop = new Waker(serverPoll.registry(), Token.of(Long.MIN_VALUE))) {
            server = new EchoServer(serverPoll, listener, Trigger.LEVEL, 8192);
            serving = serverThread.submit(() -> {
                try (server) {
                    long deadline = System.nanoTime() + duration.plusSeconds(60).toNanos();
                    while (true) {
                        assertTrue(System.nanoTime() < deadline, "server never drained");
                        server.step(Duration.ofSeconds(1));
                        long expect;
                        synchronized (target) {
                            expect = target[0];
                        }
                        if (expect >= 0 && server.accepted == expect && server.open == 0) {
                            return null;
                        }
                    }
                }
            });
            client = new Client(clientPoll, listener.localAddress(), seed);
            long end = System.nanoTime() + duration.toNanos();
            long hardEnd = end + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end || !client.conns.isEmpty()) {
                assertTrue(System.nanoTime() < hardEnd, "client never drained (seed " + seed + ")");
                while (System.nanoTime() < end && client.conns.size() < CONCURRENCY) {
                    client.open();
                }
                client.step();
                if (serving.isDone()) {
                    serving.get(); // the server failed: report why
                }
            }
            synchronized (target) {
                target[0] = client.started;
            }
            stop.wake();
            serving.get(60, TimeUnit.SECONDS);
        } finally {
            serverThread.shutdownNow();
        }
        long[] p = client.planned;
        String summary = String.format("%s soak (seed %d): %d connections (%d normal, %d client resets, %d client closes,"
                + " %d server resets); %d completed (%d bytes each way), %d cut short by the server, %d ended by the client;"
                + " %d bytes sent, %d echoed bytes verified by the client, %d bytes verified by the server",
                duration, seed, client.started, p[0], p[1], p[2], p[3], client.completed, client.completedBytes, client.cutShort, client.injected,
                client.bytesSent, client.bytesVerified, server.bytesVerified);
        System.out.println("[reliability] " + summary);
        assertEquals(client.started, server.accepted, summary);
        assertEquals(p[Plan.NORMAL.ordinal()], client.completed, summary);
        assertEquals(p[Plan.NORMAL.ordinal()], server.completed, summary);
        assertEquals(p[Plan.SERVER_RESET.ordinal()], client.cutShort, summary);
        assertEquals(p[Plan.SERVER_RESET.ordinal()], server.resetsInjected, summary);
        assertEquals(p[Plan.CLIENT_RESET.ordinal()] + p[Plan.CLIENT_CLOSE.ordinal()], client.injected, summary);
        assertEquals(client.injected, server.peerGone, summary);
        assertEquals(0, server.open, summary);
        assertEquals(client.completedBytes, server.completedBytes, summary);
        assertTrue(server.bytesVerified <= client.bytesSent && client.bytesVerified <= server.bytesEchoed, summary);
        assertTrue(client.started > CONCURRENCY && client.injected > 0 && client.cutShort > 0, summary);
        assertEquals(checkFds ? fdsBefore : FdCensus.kernelObjects(), FdCensus.kernelObjects(), "sockets, pipes, epoll and eventfd descriptors after the soak; before: " + fdsBeforeText + "; after: " + FdCensus.describe());
    }
}
