package io.jmio.poll.epoll.reliability;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The client side of {@link ManyConnectionsTest}, run in a child JVM so that the server's process
 * holds only its own half of the descriptors. It opens every connection first (in batches, so the
 * listen backlog never overflows), holds them all open, then sends each one's {@link SeededStream}
 * and checks that the echo comes back complete and in order, followed by the server's close.
 *
 * <p>Arguments: {@code port connections maxBodyBytes batch seed}. Prints one {@code OK ...} line and
 * exits 0, or prints the failure and exits 1 (2 on its own deadline).
 *
 * <p>Threading: single-threaded; one {@link Poll} drives every connection, edge-triggered.
 */
public final class LoadClient {
    private static final long DEADLINE_NANOS = Duration.ofMinutes(5).toNanos();

    private static final class Conn {
        final TcpStream stream;
        final long seed;
        final long bodyLength;
        final long total;
        boolean connected;
        long sent;
        long received;
        boolean finished;

        Conn(TcpStream stream, long seed, long bodyLength) {
            this.stream = stream;
            this.seed = seed;
            this.bodyLength = bodyLength;
            this.total = SeededStream.HEADER + bodyLength;
        }
    }

    private final Conn[] conns;
    private final ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);
    private int finished;
    private long bytesEchoed;

    private LoadClient(int connections) {
        conns = new Conn[connections];
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(DEADLINE_NANOS / 1_000_000);
                System.out.println("FAIL client deadline of " + Duration.ofNanos(DEADLINE_NANOS) + " passed");
                System.out.flush();
                Runtime.getRuntime().halt(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            int port = Integer.parseInt(args[0]);
            int connections = Integer.parseInt(args[1]);
            int maxBody = Integer.parseInt(args[2]);
            int batch = Integer.parseInt(args[3]);
            long seed = Long.parseLong(args[4]);
            LoadClient client = new LoadClient(connections);
            long start = System.nanoTime();
            client.run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), maxBody, batch, seed);
            System.out.println("OK connections=" + connections + " bytesEchoed=" + client.bytesEchoed
                    + " millis=" + (System.nanoTime() - start) / 1_000_000);
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private void run(InetSocketAddress server, int maxBody, int batch, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(1024);
            Interest both = Interest.READABLE.add(Interest.WRITABLE);
            // Phase 1: connect everything, a batch at a time, and hold it all open.
            for (int first = 0; first < conns.length; first += batch) {
                int end = Math.min(conns.length, first + batch);
                for (int i = first; i < end; i++) {
                    conns[i] = new Conn(TcpStream.connect(server), random.nextLong() | 1, random.nextInt(maxBody + 1)); // odd: no server fault
                    poll.registry().register(conns[i].stream, Token.of(i), both);
                }
                int pending = end - first;
                while (pending > 0) {
                    check(deadline, "connecting batch at " + first + ": " + pending + " not connected");
                    poll.poll(events, Duration.ofSeconds(1));
                    for (Event e : events) {
                        Conn c = conns[(int) e.token()];
                        if (!c.connected && (e.isWritable() || e.isError())) {
                            IOException failed = c.stream.takeError();
                            if (failed != null) {
                                throw new IOException("connection " + e.token() + " failed", failed);
                            }
                            c.connected = true;
                            pending--;
                        }
                    }
                }
            }
            System.out.println("CONNECTED " + conns.length);
            System.out.flush();
            // Phase 2: every connection sends its stream and checks the echo.
            for (Conn c : conns) {
                service(c);
            }
            while (finished < conns.length) {
                check(deadline, finished + " of " + conns.length + " finished");
                poll.poll(events, Duration.ofSeconds(1));
                for (Event e : events) {
                    service(conns[(int) e.token()]);
                }
            }
        } finally {
            for (Conn c : conns) {
                if (c != null) {
                    c.stream.close();
                }
            }
        }
    }

    /** Writes until the stream is sent or a write would block, then reads until a read would block. */
    private void service(Conn c) throws IOException {
        if (c.finished) {
            return;
        }
        while (c.sent < c.total) {
            int chunk = (int) Math.min(out.capacity(), c.total - c.sent);
            out.clear();
            SeededStream.fill(c.seed, c.bodyLength, c.sent, out, chunk);
            out.limit(chunk);
            int n = c.stream.write(out);
            if (n == 0) {
                break;
            }
            c.sent += n;
        }
        while (true) {
            in.clear();
            int n = c.stream.read(in);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                if (c.received != c.total) {
                    throw new IOException("connection with seed " + c.seed + ": end of stream after "
                            + c.received + " of " + c.total + " echoed bytes");
                }
                c.finished = true;
                finished++;
                c.stream.close();
                return;
            }
            long bad = SeededStream.mismatch(c.seed, c.bodyLength, c.received, in, n);
            if (bad >= 0 || c.received + n > c.total) {
                throw new IOException("connection with seed " + c.seed + ": echo differs at byte " + bad
                        + " (received " + c.received + " + " + n + " of " + c.total + ")");
            }
            c.received += n;
            bytesEchoed += n;
        }
    }

    private static void check(long deadline, String state) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new IOException("client deadline passed: " + state);
        }
    }
}
