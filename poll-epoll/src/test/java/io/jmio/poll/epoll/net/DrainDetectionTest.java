package io.jmio.poll.epoll.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.net.NetTestSupport;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.Staging;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Drain detection ({@code TcpStream/UnixStream.setDrainDetection}) on the real kernel: the cases where a
 * short read leaves data queued (TCP's urgent mark and FIN, a Unix message with descriptors, a Unix
 * {@code MSG_OOB} byte, heap buffers above the staging cap) are never reported drained, and an
 * edge-triggered loop that stops at {@code lastReadDrained()} never waits for an event that does not come,
 * with writers racing the reader.
 */
@EnabledOnOs(OS.LINUX)
class DrainDetectionTest {
    private static final long TOKEN = 7;
    private static final byte URGENT = (byte) 0xEE;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuffer b) {
        b.flip();
        return StandardCharsets.US_ASCII.decode(b).toString();
    }

    /** Reads what one call returns into a fresh buffer of 4 KiB: "aaaa", "" (would block) or null (end). */
    private static String readOnce(TcpStream s) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        int n = s.read(b);
        return n < 0 ? null : text(b);
    }

    private static String readOnce(UnixStream s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        int n = s.read(b);
        return n < 0 ? null : text(b);
    }

    @Test
    void shouldNotCallAShortReadAtTheUrgentMarkOrBeforeAFinDrained() throws IOException {
        try (Poll poll = Poll.open(new EpollBackend()); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal());
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            try (TcpStream server = Objects.requireNonNull(listener.accept())) {
                assertFalse(server.drainDetection());
                server.setDrainDetection(true);
                assertTrue(server.drainDetection());
                poll.registry().register(server, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
                client.setNoDelay(true);
                client.write(ascii("aaaa"));
                assertTrue(client.sendUrgent((byte) 'U'));
                client.write(ascii("bbbb"));
                client.shutdown(Shutdown.WRITE);
                // The FIN comes after every byte (TCP delivers in order): once read-closed is seen, all is queued.
                NetTestSupport.expectCombined(poll, events, TOKEN, NetTestSupport.Seen::readClosed, "the FIN");
                assertEquals("aaaa", readOnce(server), "tcp_recvmsg stops in front of the urgent mark");
                assertFalse(server.lastReadDrained(), "a short read at the urgent mark, with 5 bytes still queued");
                assertEquals("bbbb", readOnce(server), "the urgent byte is skipped (no SO_OOBINLINE)");
                assertFalse(server.lastReadDrained(), "the FIN is still queued: TCP_INQ counts it as one byte");
                assertEquals(null, readOnce(server), "end of stream, which a drained report would have hidden");
                assertFalse(server.lastReadDrained());
            }
        }
    }

    @Test
    void shouldLeaveAResetThatCameWithDataToTheEventThatAnnouncedIt() throws IOException {
        try (Poll poll = Poll.open(new EpollBackend()); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal())) {
            TcpStream client = TcpStream.connect(listener.localAddress()); // closed below: the reset
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            try (TcpStream server = Objects.requireNonNull(listener.accept())) {
                server.setDrainDetection(true);
                poll.registry().register(server, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
                client.write(ascii("last"));
                client.setLinger(java.time.Duration.ZERO);
                client.close(); // reset (linger 0)
                NetTestSupport.Seen seen = NetTestSupport.expectCombined(poll, events, TOKEN,
                        x -> x.readClosed() || x.error(), "the reset");
                assertTrue(seen.readClosed() || seen.error(), seen.text());
                assertEquals("last", readOnce(server), "the data is still readable after the reset");
                assertTrue(server.lastReadDrained(), "TCP_INQ counts bytes (and a FIN), not a reset");
                NetTestSupport.assertSocketFailure(java.net.SocketException.class, () -> readOnce(server));
                NetTestSupport.expectNoEvent(poll, events, TOKEN); // hence: on an error/read-closed event, read on
            }
        }
    }

    @Test
    void shouldReportDrainedWhenNothingIsLeftAndNotWhenTheBufferFilledUp() throws IOException {
        try (Poll poll = Poll.open(new EpollBackend()); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal());
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            try (TcpStream server = Objects.requireNonNull(listener.accept())) {
                poll.registry().register(server, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
                client.write(ascii("12345678"));
                NetTestSupport.expectEvent(poll, events, TOKEN, NetTestSupport.Seen::readable, "data");
                ByteBuffer small = ByteBuffer.allocate(4);
                assertEquals(4, server.read(small));
                assertFalse(server.lastReadDrained(), "the mode is off");
                server.setDrainDetection(true);
                small.clear();
                assertEquals(4, server.read(small));
                assertTrue(server.lastReadDrained(), "all 8 bytes were read: a full buffer can be drained too");
                small.clear();
                assertEquals(0, server.read(small));
                assertFalse(server.lastReadDrained(), "would block: no data, not a drained report");
                server.setDrainDetection(false);
                client.write(ascii("xy"));
                NetTestSupport.expectEvent(poll, events, TOKEN, NetTestSupport.Seen::readable, "data");
                small.clear();
                assertEquals(2, server.read(small));
                assertFalse(server.lastReadDrained(), "off again: plain recv, which does not know");
            }
        }
    }

    @Test
    void shouldNeverStallAnEdgeLoopWithUrgentDataAndSmallWritesRacingTheReader() throws Exception {
        echoThroughEdgeLoop(ByteBuffer.allocateDirect(2048), 4_000, 200, true);
    }

    @Test
    void shouldNeverStallAnEdgeLoopReadingIntoAHeapBufferAboveTheStagingCap() throws Exception {
        assertTrue(3 * Staging.SIZE > 2 * Staging.SIZE);
        echoThroughEdgeLoop(ByteBuffer.allocate(3 * Staging.SIZE), 64, 256 * 1024, false);
    }

    /**
     * A JDK client writes {@code writes} chunks of 1..{@code maxChunk} pattern bytes (and, with
     * {@code urgent}, an out-of-band byte after every 16th) while this thread runs an edge-triggered
     * loop that stops each event at {@code lastReadDrained()}; every in-band byte must arrive, in order,
     * and end of stream must be seen, each wait for an event bounded by 5 s.
     */
    private static void echoThroughEdgeLoop(ByteBuffer buffer, int writes, int maxChunk, boolean urgent) throws Exception {
        try (Poll poll = Poll.open(new EpollBackend()); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            InetSocketAddress at = listener.localAddress();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long[] total = new long[1];
            Socket client = new Socket(at.getAddress(), at.getPort());
            Thread writer = new Thread(() -> {
                try (Socket s = client; OutputStream out = s.getOutputStream()) {
                    s.setTcpNoDelay(true);
                    SplittableRandom random = new SplittableRandom(13);
                    long pos = 0;
                    for (int i = 0; i < writes; i++) {
                        byte[] chunk = new byte[1 + random.nextInt(maxChunk)];
                        for (int j = 0; j < chunk.length; j++) {
                            chunk[j] = NetTestSupport.pattern(pos++);
                        }
                        out.write(chunk);
                        if (urgent && i % 16 == 15) {
                            s.sendUrgentData(URGENT);
                        }
                    }
                    total[0] = pos;
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "drain-writer");
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            try (TcpStream server = Objects.requireNonNull(listener.accept())) {
                server.setDrainDetection(true);
                poll.registry().register(server, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
                writer.start();
                long got = 0;
                long inlined = 0;
                boolean end = false;
                while (!end) {
                    poll.poll(events, NetTestSupport.TIMEOUT);
                    if (events.isEmpty()) {
                        fail("no event within " + NetTestSupport.TIMEOUT + " after " + got + " bytes (writer "
                                + (writer.isAlive() ? "still writing" : "done: " + total[0] + " bytes") + "): a read"
                                + " was reported drained with data left");
                    }
                    while (true) {
                        buffer.clear();
                        int n = server.read(buffer);
                        if (n < 0) {
                            end = true;
                            break;
                        }
                        if (n == 0) {
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            byte b = buffer.get(i);
                            if (b == NetTestSupport.pattern(got)) {
                                got++;
                            } else if (urgent && b == URGENT) {
                                inlined++; // an urgent byte overtaken by the next one stays in-band (tcp_check_urg)
                            } else {
                                fail("byte " + got + " differs: data was lost or reordered");
                            }
                        }
                        if (server.lastReadDrained()) {
                            break; // how often depends on how far the writer runs ahead; the tests above show the report
                        }
                    }
                }
                writer.join(NetTestSupport.TIMEOUT.toMillis());
                assertEquals(null, failed.get());
                assertEquals(total[0], got, "every in-band byte, then end of stream");
                assertTrue(inlined < writes / 16 + 1, inlined + " urgent bytes in-band");
            }
        }
    }

    @Test
    void shouldGlueSeveralUnixWritesIntoOneReadAndReportItDrained() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]) {
            b.setDrainDetection(true);
            for (int i = 0; i < 5; i++) {
                a.write(ascii("xyz"));
            }
            assertEquals("xyzxyzxyzxyzxyz", readOnce(b), "unix_stream_read_generic joins the messages of 5 writes");
            assertTrue(b.lastReadDrained());
        }
    }

    @Test
    void shouldAnnounceAUnixShutdownBeforeTheEventOnlyInThatEvent() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]; Poll poll = Poll.open(new EpollBackend())) {
            Events events = Events.withCapacity(8);
            b.setDrainDetection(true);
            poll.registry().register(b, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
            a.write(ascii("abc"));
            a.shutdown(Shutdown.WRITE);
            NetTestSupport.Seen seen = NetTestSupport.expectEvent(poll, events, TOKEN, NetTestSupport.Seen::readable,
                    "data and shutdown");
            assertTrue(seen.readClosed(), "the one event says read-closed: " + seen);
            assertEquals("abc", readOnce(b));
            assertTrue(b.lastReadDrained(), "SO_INQ counts bytes only: 0 left, though end of stream is pending");
            assertEquals(null, readOnce(b), "so a read-closed event means: read until -1");
            NetTestSupport.expectNoEvent(poll, events, TOKEN);
        }
    }

    @Test
    void shouldNotCallAUnixReadThatStoppedAfterPassedDescriptorsDrained() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        UnixStream[] passed = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]; UnixStream p0 = passed[0]; UnixStream p1 = passed[1]) {
            b.setDrainDetection(true);
            int before = Fds.openFdCount();
            a.write(ascii("111"));
            assertEquals(3, RawSocketCalls.sendWithDescriptor(a.rawFd(), "222".getBytes(StandardCharsets.US_ASCII),
                    p0.rawFd()));
            a.write(ascii("333"));
            assertEquals("111222", readOnce(b), "the read stops after the message that carried a descriptor");
            assertFalse(b.lastReadDrained(), "3 bytes are still queued");
            assertEquals(before, Fds.openFdCount(), "the descriptor that arrived was closed, not leaked");
            assertTrue(p1.isOpen() && p0.isOpen(), "the sender keeps its own copy");
            assertEquals("333", readOnce(b));
            assertTrue(b.lastReadDrained());
        }
    }

    @Test
    void shouldNotCallAUnixReadInFrontOfAnOutOfBandByteDrained() throws IOException {
        UnixStream[] pair = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]; Poll poll = Poll.open(new EpollBackend())) {
            b.setDrainDetection(true);
            poll.registry().register(b, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
            a.write(ascii("aaaa"));
            if (RawSocketCalls.sendOutOfBand(a.rawFd(), (byte) 'U') != 1) {
                return; // a kernel without CONFIG_AF_UNIX_OOB refuses MSG_OOB: no mark to stop at
            }
            a.write(ascii("bbbb"));
            assertEquals("aaaa", readOnce(b), "unix_stream_read_generic stops in front of the out-of-band byte");
            assertFalse(b.lastReadDrained(), "the out-of-band byte and 4 more are queued");
            StringBuilder rest = new StringBuilder();
            String s;
            while ((s = readOnce(b)) != null && !s.isEmpty()) {
                rest.append(s);
                if (b.lastReadDrained()) {
                    break;
                }
            }
            assertTrue(rest.toString().endsWith("bbbb"), rest.toString());
            assertEquals("", readOnce(b), "nothing left after the loop stopped");
        }
    }

    @Test
    void shouldNeverStallAUnixEdgeLoopWithHeapBuffersAboveTheCapAndRacingWrites() throws Exception {
        UnixStream[] pair = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]; Poll poll = Poll.open(new EpollBackend())) {
            b.setDrainDetection(true);
            poll.registry().register(b, Token.of(TOKEN), Interest.READABLE, Trigger.EDGE);
            Events events = Events.withCapacity(8);
            long total = 4L * 1024 * 1024;
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Poll wp = Poll.open(new EpollBackend())) {
                    wp.registry().register(a, Token.of(1), Interest.WRITABLE, Trigger.EDGE);
                    Events we = Events.withCapacity(4);
                    SplittableRandom random = new SplittableRandom(5);
                    ByteBuffer chunk = ByteBuffer.allocate(200 * 1024);
                    long pos = 0;
                    while (pos < total) {
                        int len = (int) Math.min(total - pos, random.nextInt(2) == 0 ? 1 + random.nextInt(64)
                                : 1 + random.nextInt(chunk.capacity()));
                        chunk.clear().limit(len);
                        for (int j = 0; j < len; j++) {
                            chunk.put(j, NetTestSupport.pattern(pos + j));
                        }
                        while (chunk.hasRemaining()) {
                            if (a.write(chunk) == 0) {
                                wp.poll(we, NetTestSupport.TIMEOUT);
                            }
                        }
                        pos += len;
                    }
                    a.shutdown(Shutdown.WRITE);
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "drain-unix-writer");
            writer.start();
            ByteBuffer buffer = ByteBuffer.allocate(3 * Staging.SIZE);
            long got = 0;
            boolean end = false;
            boolean readClosed = false;
            while (!end) {
                poll.poll(events, NetTestSupport.TIMEOUT);
                if (events.isEmpty()) {
                    fail("no event within " + NetTestSupport.TIMEOUT + " after " + got + " of " + total + " bytes");
                }
                for (io.jmio.poll.Event e : events) {
                    readClosed |= e.isReadClosed(); // SO_INQ does not count the peer's shutdown: read on to -1
                }
                while (true) {
                    buffer.clear();
                    int n = b.read(buffer);
                    if (n <= 0) {
                        end = n < 0;
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buffer.get(i) != NetTestSupport.pattern(got + i)) {
                            fail("byte " + (got + i) + " differs");
                        }
                    }
                    got += n;
                    if (b.lastReadDrained() && !readClosed) {
                        break;
                    }
                }
            }
            writer.join(NetTestSupport.TIMEOUT.toMillis());
            assertEquals(null, failed.get());
            assertEquals(total, got);
        }
    }
}
