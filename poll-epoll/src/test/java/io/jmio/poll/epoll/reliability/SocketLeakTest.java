package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.unix.Pipe;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Open, use, close, many times over, for every socket type and the pipe: afterwards the process
 * holds as many sockets, pipes and epoll/eventfd descriptors as before ({@code /proc/self/fd}), and
 * no more direct (native) memory. Each cycle registers the new descriptors with a long-lived
 * {@link Poll}, moves a byte through them, sees the event, and closes everything.
 * ({@code EpollFaultTest} does the same for Poll, Waker and raw pipes.)
 *
 * <p>Unix stream pairs, Unix datagram pairs, pipes and UDP sockets: 100,000 cycles each. TCP: 20,000
 * in the default suite and 100,000 under {@code -Pstress}. TCP cycles close the client with linger 0
 * (a reset), because a graceful close leaves the connection in TIME_WAIT for 60 s, and 100,000 of
 * those to one listener would use up loopback's ~28,000 ephemeral ports within the minute.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SocketLeakTest {
    private static final int CYCLES = 100_000;

    /** One open-use-close cycle. */
    interface Cycle {
        void run(Poll poll, Events events, ByteBuffer buf, int i) throws IOException;
    }

    @Test
    void unixStreamPairs() throws Exception {
        leakCheck("Unix stream pairs", CYCLES, (poll, events, buf, i) -> {
            UnixStream[] pair = UnixStream.pair();
            try (UnixStream a = pair[0]; UnixStream b = pair[1]) {
                poll.registry().register(b, Token.of(i), Interest.READABLE);
                a.write(buf.clear().limit(1));
                awaitToken(poll, events, i);
                assertEquals(1, b.read(buf.clear()));
                poll.registry().deregister(b);
            }
        });
    }

    @Test
    void unixDatagramPairsAndPipes() throws Exception {
        leakCheck("Unix datagram pairs and pipes", CYCLES, (poll, events, buf, i) -> {
            UnixDatagram[] pair = UnixDatagram.pair();
            try (UnixDatagram a = pair[0]; UnixDatagram b = pair[1]; Pipe pipe = Pipe.open()) {
                poll.registry().register(b, Token.of(i), Interest.READABLE);
                poll.registry().register(pipe.receiver(), Token.of(i + 1L << 32), Interest.READABLE);
                a.send(buf.clear().limit(1));
                pipe.sender().write(buf.clear().limit(1));
                awaitToken(poll, events, i);
                assertEquals(1, b.receive(buf.clear()));
                assertEquals(1, pipe.receiver().read(buf.clear()));
                // Closing without deregistering: the kernel drops the registration with the descriptor.
            }
        });
    }

    @Test
    void udpSockets() throws Exception {
        leakCheck("UDP sockets", CYCLES, (poll, events, buf, i) -> {
            try (UdpSocket socket = UdpSocket.bind(Loopback.anyPort())) {
                poll.registry().register(socket, Token.of(i), Interest.READABLE);
                socket.sendTo(buf.clear().limit(1), socket.localAddress());
                awaitToken(poll, events, i);
                assertNotNull(socket.receiveFrom(buf.clear()));
                poll.registry().deregister(socket);
            }
        });
    }

    @Test
    void tcpConnections() throws Exception {
        tcp(20_000);
    }

    @Test
    @EnabledIfSystemProperty(named = "jmio.stress", matches = "true")
    void hundredThousandTcpConnections() throws Exception {
        tcp(CYCLES);
    }

    private static void tcp(int cycles) throws Exception {
        try (TcpListener listener = TcpListener.bind(Loopback.anyPort())) {
            InetSocketAddress address = listener.localAddress();
            leakCheck("TCP connections", cycles, (poll, events, buf, i) -> {
                try (TcpStream client = TcpStream.connect(address)) {
                    TcpStream server = listener.accept();
                    for (int spin = 0; server == null && spin < 1000; spin++) {
                        poll.registry().register(listener, Token.of(-1), Interest.READABLE);
                        poll.poll(events, Duration.ofMillis(10));
                        poll.registry().deregister(listener);
                        server = listener.accept();
                    }
                    assertNotNull(server, "cycle " + i + ": accept");
                    try (TcpStream s = server) {
                        poll.registry().register(s, Token.of(i), Interest.READABLE);
                        client.write(buf.clear().limit(1));
                        awaitToken(poll, events, i);
                        assertEquals(1, s.read(buf.clear()));
                        client.setLinger(Duration.ZERO);
                    }
                }
            });
        }
    }

    private static void awaitToken(Poll poll, Events events, long token) throws IOException {
        for (int i = 0; i < 100; i++) {
            poll.poll(events, Duration.ofSeconds(1));
            if (Loopback.reported(events, token)) {
                return;
            }
        }
        throw new AssertionError("no event for token " + token);
    }

    private static void leakCheck(String what, int cycles, Cycle cycle) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(16);
            for (int i = 0; i < 1_000; i++) { // warm-up: class loading, JIT, per-thread scratch memory
                cycle.run(poll, events, buf, i);
            }
            int fdsBefore = FdCensus.kernelObjects();
            long directBefore = directMemoryAfterGc();
            long start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                cycle.run(poll, events, buf, i);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int fdsAfter = FdCensus.kernelObjects();
            long directAfter = directMemoryAfterGc();
            System.out.printf("[reliability] leaks, %s: %d cycles in %d ms; sockets/pipes/epoll descriptors %d -> %d;"
                    + " direct memory %d -> %d bytes%n", what, cycles, millis, fdsBefore, fdsAfter, directBefore, directAfter);
            assertEquals(fdsBefore, fdsAfter, what + ": descriptors leaked: " + FdCensus.describe());
            assertTrue(directAfter - directBefore < 64 * 1024,
                    what + ": direct memory grew from " + directBefore + " to " + directAfter + " bytes");
        }
    }

    private static long directMemoryAfterGc() throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) { // direct buffers are freed by a cleaner after the GC finds them
            System.gc();
            Thread.sleep(50);
            long now = direct.getMemoryUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
