package io.jmio.poll.epoll.reliability;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Loopback helpers for the reliability tests: connected TCP pairs, and moving {@link SeededStream}
 * bytes through a stream with checks. Waits are polls with timeouts, never sleeps.
 *
 * <p>Threading: stateless; each call uses its own buffers.
 */
final class Loopback {
    private Loopback() {
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** @return {client, server}: a connected pair, made through its own listener and poll */
    static TcpStream[] tcpPair() throws IOException {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(anyPort())) {
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            TcpStream client = TcpStream.connect(listener.localAddress());
            Events events = Events.withCapacity(4);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                TcpStream server = listener.accept();
                if (server != null) {
                    return new TcpStream[] {client, server};
                }
                poll.poll(events, Duration.ofMillis(100));
            }
            client.close();
            throw new IOException("no connection accepted within 5 s");
        }
    }

    /** A stream's sending side: what it has sent of its {@link SeededStream}. */
    static final class Sender {
        final long seed;
        final long bodyLength;
        long sent;
        private final ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);

        Sender(long seed, long bodyLength) {
            this.seed = seed;
            this.bodyLength = bodyLength;
        }

        long total() {
            return SeededStream.HEADER + bodyLength;
        }

        /** One write of at most 16 KiB; @return the bytes written, 0 if it would block or all is sent */
        int pumpOnce(TcpStream s) throws IOException {
            int chunk = (int) Math.min(out.capacity(), total() - sent);
            if (chunk == 0) {
                return 0;
            }
            out.clear();
            SeededStream.fill(seed, bodyLength, sent, out, chunk);
            out.limit(chunk);
            int n = s.write(out);
            sent += n;
            return n;
        }

        /** Writes until done or a write would block; @return true when everything is sent */
        boolean pump(TcpStream s) throws IOException {
            while (sent < total()) {
                int chunk = (int) Math.min(out.capacity(), total() - sent);
                out.clear();
                SeededStream.fill(seed, bodyLength, sent, out, chunk);
                out.limit(chunk);
                int n = s.write(out);
                if (n == 0) {
                    return false;
                }
                sent += n;
            }
            return true;
        }
    }

    /** A stream's receiving side: checks each byte against the sender's {@link SeededStream}. */
    static final class Receiver {
        final long seed;
        final long bodyLength;
        long received;
        boolean endOfStream;
        private final ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);

        Receiver(long seed, long bodyLength) {
            this.seed = seed;
            this.bodyLength = bodyLength;
        }

        /** Reads until a read would block or the stream ends, checking every byte. */
        void pump(TcpStream s) throws IOException {
            while (!endOfStream) {
                in.clear();
                int n = s.read(in);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    endOfStream = true;
                    return;
                }
                long bad = SeededStream.mismatch(seed, bodyLength, received, in, n);
                if (bad >= 0) {
                    throw new AssertionError("byte " + bad + " of the stream differs");
                }
                received += n;
            }
        }
    }

    /** @return true if the last poll reported {@code token} */
    static boolean reported(Events events, long token) {
        for (Event e : events) {
            if (e.token() == token) {
                return true;
            }
        }
        return false;
    }
}
