package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 16 MiB each way at once over loopback TCP and a Unix pair, driven only by readiness events, every byte checked. */
public abstract class StreamTransferContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final long TOTAL = 16L << 20;

    /** The operations a stream end offers, TCP or Unix. */
    interface Stream {
        int read(ByteBuffer dst) throws IOException;

        int write(ByteBuffer src) throws IOException;

        void shutdownWrite() throws IOException;
    }

    static Stream of(TcpStream s) {
        return new Stream() {
            public int read(ByteBuffer dst) throws IOException {
                return s.read(dst);
            }

            public int write(ByteBuffer src) throws IOException {
                return s.write(src);
            }

            public void shutdownWrite() throws IOException {
                s.shutdown(Shutdown.WRITE);
            }
        };
    }

    static Stream of(UnixStream s) {
        return new Stream() {
            public int read(ByteBuffer dst) throws IOException {
                return s.read(dst);
            }

            public int write(ByteBuffer src) throws IOException {
                return s.write(src);
            }

            public void shutdownWrite() throws IOException {
                s.shutdown(Shutdown.WRITE);
            }
        };
    }

    /** One end's progress: what it has sent and received, and whether it has seen would-block. */
    private static final class End {
        final Stream stream;
        final ByteBuffer out;
        final ByteBuffer in;
        long sent;
        long received;
        boolean sawEndOfStream;
        int wouldBlockWrites;
        int wouldBlockReads;

        End(Stream stream, boolean direct) {
            this.stream = stream;
            this.out = direct ? ByteBuffer.allocateDirect(64 * 1024) : ByteBuffer.allocate(64 * 1024);
            this.in = direct ? ByteBuffer.allocateDirect(48 * 1024) : ByteBuffer.allocate(48 * 1024);
            out.limit(0);
        }

        void drainWrites() throws IOException {
            while (sent < TOTAL) {
                if (!out.hasRemaining()) {
                    out.clear();
                    int chunk = (int) Math.min(out.capacity(), TOTAL - sent - 0);
                    long base = sent;
                    for (int i = 0; i < chunk; i++) {
                        out.put(i, NetTestSupport.pattern(base + i));
                    }
                    out.limit(chunk);
                }
                int n = stream.write(out);
                if (n == 0) {
                    wouldBlockWrites++;
                    return;
                }
                sent += n;
                if (out.hasRemaining()) {
                    // keep the rest; sent counts what left, refill only when empty
                    continue;
                }
            }
            stream.shutdownWrite();
        }

        void drainReads() throws IOException {
            while (true) {
                in.clear();
                int n = stream.read(in);
                if (n == 0) {
                    wouldBlockReads++;
                    return;
                }
                if (n < 0) {
                    sawEndOfStream = true;
                    return;
                }
                for (int i = 0; i < n; i++) {
                    byte expected = NetTestSupport.pattern(received + i);
                    if (in.get(i) != expected) {
                        throw new AssertionError("byte " + (received + i) + " was " + in.get(i) + ", expected " + expected);
                    }
                }
                received += n;
            }
        }

        boolean done() {
            return sent == TOTAL && received == TOTAL && sawEndOfStream;
        }
    }

    @ParameterizedTest(name = "{0}, client direct buffers: {1}")
    @CsvSource({"EDGE, true", "EDGE, false", "LEVEL, true"})
    void shouldTransferSixteenMebibytesBothWays(Trigger trigger, boolean clientDirect) throws IOException {
        try (TcpPair pair = TcpPair.open(backend()); Poll poll = Poll.open(backend())) {
            Interest both = Interest.READABLE.add(Interest.WRITABLE);
            poll.registry().register(pair.client, Token.of(0), both, trigger);
            poll.registry().register(pair.server, Token.of(1), both, trigger);
            transfer(poll, new End(of(pair.client), clientDirect), new End(of(pair.server), !clientDirect));
        }
    }

    @ParameterizedTest(name = "Unix pair, {0}")
    @CsvSource({"EDGE", "LEVEL"})
    void shouldTransferSixteenMebibytesBothWaysOverUnixPair(Trigger trigger) throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (Poll poll = Poll.open(backend()); UnixStream a = pair[0]; UnixStream b = pair[1]) {
            Interest both = Interest.READABLE.add(Interest.WRITABLE);
            poll.registry().register(a, Token.of(0), both, trigger);
            poll.registry().register(b, Token.of(1), both, trigger);
            transfer(poll, new End(of(a), true), new End(of(b), false));
        }
    }

    private static void transfer(Poll poll, End... ends) throws IOException {
        Events events = Events.withCapacity(8);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(ends[0].done() && ends[1].done())) {
            assertTrue(System.nanoTime() < deadline, "transfer stalled: end 0 sent " + ends[0].sent
                    + " received " + ends[0].received + ", end 1 sent " + ends[1].sent + " received " + ends[1].received);
            poll.poll(events, Duration.ofSeconds(5));
            for (Event e : events) {
                End end = ends[(int) e.token()];
                if (e.isWritable() && end.sent < TOTAL) {
                    end.drainWrites();
                }
                if (e.isReadable() || e.isReadClosed()) {
                    end.drainReads();
                }
            }
        }
        for (End end : ends) {
            assertEquals(TOTAL, end.received);
            assertTrue(end.wouldBlockWrites > 0, "16 MiB cannot go out without the send buffer filling up");
            assertTrue(end.wouldBlockReads > 0, "reads drained to would-block");
        }
    }
}
