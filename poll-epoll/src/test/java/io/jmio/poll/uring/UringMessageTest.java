package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.completion.Message;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * recvmsg and sendmsg of the completion queue on the real kernel, over UDP loopback (IPv4 and IPv6):
 * bytes and the sender's address, a send to an explicit address, truncation, a connected socket's
 * refusal, cancellation, a closed socket, misuse leaving the queue usable, 0 B in steady state; and
 * recv/send on Unix-domain streams. Skipped, naming the cause, where io_uring is unavailable.
 *
 * <p>Threading: JUnit's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UringMessageTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final InetSocketAddress V4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private CompletionQueue q;
    private final Completions c = new Completions(64);

    @BeforeEach
    void open() throws IOException {
        UringTestBackend.available();
        q = CompletionQueue.open("io_uring", 16);
    }

    @AfterEach
    void close() throws IOException {
        if (q != null) {
            q.close();
        }
    }

    /** Reaps until completions with all {@code tokens} arrived; returns their results. */
    private Map<Long, Integer> results(long... tokens) throws IOException {
        return Reaping.results(q, c, tokens);
    }

    /** @return the errno name of a negative result, else the result */
    private static String name(int result) {
        return result < 0 ? UringNative.errnoName(-result) : Integer.toString(result);
    }

    private int result(long token) throws IOException {
        return results(token).get(token);
    }

    private static ByteBuffer direct(String s) {
        ByteBuffer b = NativeMemory.allocate(s.length());
        b.put(s.getBytes(StandardCharsets.US_ASCII)).flip();
        return b;
    }

    private static String string(ByteBuffer b, int n) {
        byte[] bytes = new byte[n];
        b.get(b.position(), bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress v6() throws IOException {
        return new InetSocketAddress(InetAddress.getByName("::1"), 0);
    }

    @Test
    void recvmsgReportsTheBytesAndTheIpv4Sender() throws IOException {
        recvmsgReportsTheBytesAndTheSender(V4, 4);
    }

    @Test
    void recvmsgReportsTheBytesAndTheIpv6Sender() throws IOException {
        recvmsgReportsTheBytesAndTheSender(v6(), 16);
    }

    private void recvmsgReportsTheBytesAndTheSender(InetSocketAddress local, int addressLength) throws IOException {
        try (UdpSocket server = UdpSocket.bind(local);
             UdpSocket client = UdpSocket.bind(local)) {
            Message in = new Message().buffer(NativeMemory.allocate(64));
            q.recvmsg(server, in, 1);
            q.submit();
            assertTrue(in.inFlight());
            assertThrows(IllegalStateException.class, in::source, "the kernel owns it until the completion");
            assertEquals(5, client.sendTo(direct("hello"), server.localAddress()));
            assertEquals(5, result(1));
            assertFalse(in.inFlight(), "reaped: the caller's again");
            assertEquals("hello", string(in.buffer(), 5));
            assertEquals(0, in.buffer().position(), "the queue leaves the position to the caller");
            assertFalse(in.truncated());
            InetSocketAddress from = in.source();
            assertEquals(client.localAddress(), from);
            assertSame(from, in.source(), "the same sender: the same instance");
            assertEquals(client.localAddress().getPort(), in.sourcePort());
            byte[] ip = new byte[16];
            assertEquals(addressLength, in.sourceAddress(ip));
            assertArrayEquals(client.localAddress().getAddress().getAddress(), java.util.Arrays.copyOf(ip, addressLength));
        }
    }

    @Test
    void sendmsgToAnExplicitAddressArrivesAndTheDestinationIsReused() throws IOException {
        sendmsgArrives(V4);
    }

    @Test
    void sendmsgToAnExplicitIpv6AddressArrives() throws IOException {
        sendmsgArrives(v6());
    }

    private void sendmsgArrives(InetSocketAddress local) throws IOException {
        try (DatagramChannel jdk = DatagramChannel.open();
             UdpSocket client = UdpSocket.bind(local)) {
            jdk.bind(local);
            jdk.socket().setSoTimeout(5000);
            InetSocketAddress target = (InetSocketAddress) jdk.getLocalAddress();
            Message out = new Message().buffer(direct("first")).destination(target);
            q.sendmsg(client, out, 2);
            assertEquals(5, result(2));
            assertEquals("first", receive(jdk, client));
            out.buffer(direct("second")).destination(target); // the same instance: not encoded again
            q.sendmsg(client, out, 3);
            assertEquals(6, result(3));
            assertEquals("second", receive(jdk, client));
        }
    }

    private static String receive(DatagramChannel jdk, UdpSocket from) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[64], 64);
        jdk.socket().receive(p); // blocking, bounded by SO_TIMEOUT
        assertEquals(from.localAddress(), p.getSocketAddress());
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void replyToSourceEchoesWithoutADestination() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4);
             UdpSocket client = UdpSocket.bind(V4)) {
            Message in = new Message().buffer(NativeMemory.allocate(64));
            q.recvmsg(server, in, 1);
            Message out = new Message().buffer(direct("ping")).destination(server.localAddress());
            q.sendmsg(client, out, 2);
            Map<Long, Integer> r = results(1, 2);
            assertEquals(4, r.get(1L));
            in.buffer().limit(4);
            q.sendmsg(server, in.replyToSource(), 3);
            Message back = new Message().buffer(NativeMemory.allocate(64));
            q.recvmsg(client, back, 4);
            r = results(3, 4);
            assertEquals(4, r.get(3L));
            assertEquals(4, r.get(4L));
            assertEquals("ping", string(back.buffer(), 4));
            assertEquals(server.localAddress(), back.source());
        }
    }

    @Test
    void aLongerDatagramIsCutAndFlaggedTruncated() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4);
             UdpSocket client = UdpSocket.bind(V4)) {
            Message in = new Message().buffer(NativeMemory.allocate(4));
            client.sendTo(direct("0123456789"), server.localAddress());
            q.recvmsg(server, in, 1);
            assertEquals(4, result(1), "the room, not the datagram's length");
            assertTrue(in.truncated(), "MSG_TRUNC in msg_flags");
            assertEquals("0123", string(in.buffer(), 4));
            client.sendTo(direct("abc"), server.localAddress());
            q.recvmsg(server, in, 2);
            assertEquals(3, result(2));
            assertFalse(in.truncated(), "the flag is the last datagram's");
        }
    }

    @Test
    void aConnectedSocketsRefusalCompletesWithEconnrefused() throws IOException {
        InetSocketAddress gone;
        try (UdpSocket closed = UdpSocket.bind(V4)) {
            gone = closed.localAddress();
        }
        try (UdpSocket client = UdpSocket.bind(V4)) {
            client.connect(gone);
            Message in = new Message().buffer(NativeMemory.allocate(16));
            q.recvmsg(client, in, 1);
            Message out = new Message().buffer(direct("anyone?")); // no destination: the connected peer
            q.sendmsg(client, out, 2);
            Map<Long, Integer> r = results(1, 2);
            assertEquals(7, r.get(2L), "the datagram left");
            assertEquals("ECONNREFUSED", name(r.get(1L)), "the ICMP port unreachable");
            assertNull(in.source(), "a failed receive reports no source");
            assertThrows(IllegalStateException.class, in::replyToSource);
        }
    }

    @Test
    void aConnectedSocketsNextSendmsgAfterARefusalCompletesWithEconnrefused() throws IOException {
        InetSocketAddress gone;
        try (UdpSocket closed = UdpSocket.bind(V4)) {
            gone = closed.localAddress();
        }
        try (UdpSocket client = UdpSocket.bind(V4)) {
            client.connect(gone);
            Message out = new Message().buffer(direct("anyone?"));
            int res = 0;
            for (int k = 0; k < 100 && res >= 0; k++) { // each send is reaped first: the refusal of one reaches a later one
                q.sendmsg(client, out, k);
                res = result(k);
            }
            assertEquals("ECONNREFUSED", name(res), "the pending error ends a later send");
            q.sendmsg(client, out, 200);
            assertEquals(7, result(200), "the error is reported once");
        }
    }

    @Test
    void sendmsgWithoutADestinationOnAnUnconnectedSocketFailsWithEdestaddrreq() throws IOException {
        try (UdpSocket client = UdpSocket.bind(V4)) {
            q.sendmsg(client, new Message().buffer(direct("x")), 1);
            assertEquals("EDESTADDRREQ", name(result(1)));
        }
    }

    @Test
    void cancelEndsAPendingRecvmsgWithEcanceled() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4);
             UdpSocket client = UdpSocket.bind(V4)) {
            Message in = new Message().buffer(NativeMemory.allocate(16));
            q.recvmsg(server, in, 1);
            q.submit();
            q.cancel(1, 2);
            Map<Long, Integer> r = results(1, 2);
            assertEquals("ECANCELED", name(r.get(1L)));
            assertEquals(0, r.get(2L), "the cancel found its target");
            assertFalse(in.inFlight());
            client.sendTo(direct("after"), server.localAddress());
            q.recvmsg(server, in, 3);
            assertEquals(5, result(3), "the message is reusable after a cancelled receive");
        }
    }

    @Test
    void closingTheSocketThroughTheQueueCancelsItsRecvmsg() throws IOException {
        UdpSocket server = UdpSocket.bind(V4);
        Message in = new Message().buffer(NativeMemory.allocate(16));
        q.recvmsg(server, in, 1);
        q.submit();
        q.close(server, 2);
        Map<Long, Integer> r = results(1, 2);
        assertEquals("ECANCELED", name(r.get(1L)));
        assertEquals(1, r.get(2L), "one operation cancelled");
        assertThrows(ClosedChannelException.class, server::localAddress, "closed by the queue");
        assertEquals(0, q.inFlight());
    }

    @Test
    void aClosedSocketIsRefusedAtSubmission() throws IOException {
        UdpSocket s = UdpSocket.bind(V4);
        s.close();
        Message m = new Message().buffer(NativeMemory.allocate(16)).destination(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        assertThrows(ClosedChannelException.class, () -> q.recvmsg(s, m, 1));
        assertThrows(ClosedChannelException.class, () -> q.sendmsg(s, m, 2));
        assertFalse(m.inFlight(), "a refused submission leaves the message the caller's");
        assertEquals(0, q.inFlight());
    }

    @Test
    void misuseIsRefusedAndTheQueueStaysUsable() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4);
             UdpSocket client = UdpSocket.bind(V4)) {
            Message m = new Message();
            assertThrows(IllegalArgumentException.class, () -> m.buffer(ByteBuffer.allocate(16)), "a heap buffer");
            assertThrows(IllegalStateException.class, () -> q.recvmsg(server, m, 1), "no buffer");
            assertThrows(IllegalArgumentException.class,
                    () -> m.destination(InetSocketAddress.createUnresolved("localhost", 9)), "an unresolved address");
            assertThrows(IllegalStateException.class, m::source, "nothing received yet");
            m.buffer(NativeMemory.allocate(16));
            q.recvmsg(server, m, 2);
            assertThrows(IllegalStateException.class, () -> q.recvmsg(server, m, 3), "already in flight");
            assertThrows(IllegalStateException.class, () -> q.sendmsg(client, m, 4), "already in flight");
            assertThrows(IllegalStateException.class, () -> m.destination(server.localAddress()), "in flight");
            assertThrows(IllegalStateException.class, () -> m.buffer(NativeMemory.allocate(4)), "in flight");
            assertEquals(1, q.inFlight(), "the refused submissions took no slot");
            q.sendmsg(client, new Message().buffer(direct("ok")).destination(server.localAddress()), 5);
            Map<Long, Integer> r = results(2, 5);
            assertEquals(2, r.get(2L), "the first recvmsg was not disturbed");
            assertEquals(2, r.get(5L));
            assertEquals(client.localAddress(), m.source());
        }
    }

    @Test
    void unixStreamRecvAndSendMoveBytes() throws IOException {
        UnixStream[] p = UnixStream.pair();
        try {
            ByteBuffer dst = NativeMemory.allocate(64);
            q.recv(p[1], dst, 1);
            q.send(p[0], direct("over unix"), 2);
            Map<Long, Integer> r = results(1, 2);
            assertEquals(9, r.get(1L));
            assertEquals(9, r.get(2L));
            assertEquals("over unix", string(dst, 9));
            p[1].close();
            q.send(p[0], direct("gone"), 3);
            assertEquals("EPIPE", name(result(3)), "MSG_NOSIGNAL: an error, not a signal");
        } finally {
            p[0].close();
            p[1].close();
        }
        assertThrows(ClosedChannelException.class, () -> q.recv(p[1], NativeMemory.allocate(4), 4));
    }

    @Test
    void unixStreamRecvSeesTheEndOfStream() throws IOException {
        UnixStream[] p = UnixStream.pair();
        try {
            q.recv(p[1], NativeMemory.allocate(8), 1);
            q.submit();
            p[0].close();
            assertEquals(0, result(1), "0: the peer shut down");
        } finally {
            p[1].close();
        }
    }

    @Test
    void unixListenerAcceptIsMultishot(@TempDir Path dir) throws IOException {
        UnixAddress address = UnixAddress.of(dir.resolve("q.sock"));
        try (UnixListener listener = UnixListener.bind(address)) {
            q.accept(listener, 1);
            for (int k = 0; k < 2; k++) {
                try (UnixStream client = UnixStream.connect(address)) {
                    int i = awaitIndex(1);
                    assertTrue(c.result(i) >= 0, () -> "accept: " + c.errnoName(i));
                    assertTrue(c.more(i), "multishot accept stays armed");
                    try (UnixStream server = UnixStream.fromFd(c.result(i))) {
                        ByteBuffer dst = NativeMemory.allocate(8);
                        q.recv(server, dst, 2);
                        client.write(ByteBuffer.wrap(new byte[] {'u', (byte) ('0' + k)}));
                        assertEquals(2, result(2));
                        assertEquals("u" + k, string(dst, 2));
                    }
                }
            }
            assertEquals(1, q.inFlight(), "one accept served both");
            q.close(listener, 3);
            Map<Long, Integer> r = results(1, 3);
            assertEquals("ECANCELED", name(r.get(1L)));
        }
    }

    @Test
    void unixDatagramRecvmsgAndSendmsgToTheConnectedPeer() throws IOException {
        UnixDatagram[] p = UnixDatagram.pair();
        try {
            Message in = new Message().buffer(NativeMemory.allocate(4));
            q.recvmsg(p[1], in, 1);
            q.sendmsg(p[0], new Message().buffer(direct("abcdef")), 2);
            Map<Long, Integer> r = results(1, 2);
            assertEquals(6, r.get(2L));
            assertEquals(4, r.get(1L));
            assertTrue(in.truncated(), "a Unix datagram is cut as a UDP one");
            assertEquals("abcd", string(in.buffer(), 4));
            assertNull(in.source(), "not an internet address");
            assertThrows(IllegalStateException.class, in::replyToSource, "a pair's end is unnamed");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void unixDatagramReplyToABoundSender(@TempDir Path dir) throws IOException {
        try (UnixDatagram server = UnixDatagram.bind(UnixAddress.of(dir.resolve("server.sock")));
             UnixDatagram client = UnixDatagram.bind(UnixAddress.of(dir.resolve("client.sock")))) {
            client.connect(server.localAddress());
            Message in = new Message().buffer(NativeMemory.allocate(16));
            q.recvmsg(server, in, 1);
            q.sendmsg(client, new Message().buffer(direct("hey")), 2);
            assertEquals(3, results(1, 2).get(1L));
            in.buffer().limit(3);
            q.sendmsg(server, in.replyToSource(), 3);
            Message back = new Message().buffer(NativeMemory.allocate(16));
            q.recvmsg(client, back, 4);
            Map<Long, Integer> r = results(3, 4);
            assertEquals(3, r.get(3L), "sent back to the sender's path as the kernel reported it");
            assertEquals("hey", string(back.buffer(), 3));
        }
    }

    /** Reaps until a completion with {@code token} arrives; returns its index in {@link #c}. */
    private int awaitIndex(long token) throws IOException {
        return Reaping.await(q, c, token);
    }

    @Test
    void closingTheQueueReturnsAMessageInFlight() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4)) {
            Message in = new Message().buffer(NativeMemory.allocate(16));
            q.recvmsg(server, in, 1);
            q.submit();
            q.close();
            assertFalse(in.inFlight(), "the queue let go of it");
            assertEquals(0, q.inFlight());
        }
    }

    @Test
    void aReadOnlyBufferIsRefusedForAReceive() throws IOException {
        try (UdpSocket server = UdpSocket.bind(V4)) {
            Message in = new Message().buffer(NativeMemory.allocate(16).asReadOnlyBuffer());
            assertThrows(IllegalArgumentException.class, () -> q.recvmsg(server, in, 1));
            assertFalse(in.inFlight());
            assertEquals(0, q.inFlight());
        }
        UnixStream[] p = UnixStream.pair();
        try {
            assertThrows(IllegalArgumentException.class, () -> q.recv(p[1], NativeMemory.allocate(4).asReadOnlyBuffer(), 2));
            assertEquals(0, q.inFlight());
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void steadyStateAllocatesNothing() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        try (UdpSocket server = UdpSocket.bind(V4);
             UdpSocket client = UdpSocket.bind(V4)) {
            InetSocketAddress to = server.localAddress();
            Message out = new Message().buffer(NativeMemory.allocate(32));
            Message in = new Message().buffer(NativeMemory.allocate(64));
            Message back = new Message().buffer(NativeMemory.allocate(64));
            byte[] ip = new byte[16];
            InetSocketAddress from = client.localAddress();
            echoRounds(client, server, to, from, out, in, back, ip, 50_000);
            // A window of 10,000 rounds after warm-up; a few more while the JIT is still settling (a
            // recompilation can count some hundred bytes once, on a loaded machine). An allocation per
            // operation would show in every window, at 10,000 x its size at least.
            long id = Thread.currentThread().getId();
            long least = Long.MAX_VALUE;
            for (int window = 0; window < 5 && least > 0; window++) {
                long before = threads.getThreadAllocatedBytes(id);
                echoRounds(client, server, to, from, out, in, back, ip, 10_000);
                least = Math.min(least, threads.getThreadAllocatedBytes(id) - before);
            }
            assertEquals(0, least, "sendmsg + recvmsg + source + reply + reap allocated at least " + least
                    + " bytes in every window of 10000 rounds");
        }
    }

    /** Client sends to {@code to}; the server receives, reads the source and echoes it back; the client receives. */
    private void echoRounds(UdpSocket client, UdpSocket server, InetSocketAddress to, InetSocketAddress clientAddress,
                            Message out, Message in, Message back, byte[] ip, int n) throws IOException {
        int clientPort = clientAddress.getPort();
        for (int r = 0; r < n; r++) {
            out.buffer().clear();
            out.destination(to);
            in.buffer().clear();
            back.buffer().clear();
            q.recvmsg(server, in, 1);
            q.sendmsg(client, out, 2);
            q.recvmsg(client, back, 4);
            boolean echoed = false;
            while (q.inFlight() > 0) {
                q.reap(c, -1);
                for (int i = 0; i < c.size(); i++) {
                    long token = c.token(i);
                    int res = c.result(i);
                    if (res < 0) {
                        throw new AssertionError("token " + token + ": " + name(res));
                    }
                    if (token == 1) {
                        if (in.sourcePort() != clientPort || in.sourceAddress(ip) != 4 || in.source() != in.source()
                                || !clientAddress.equals(in.source())) {
                            throw new AssertionError("wrong source " + in.source());
                        }
                        in.buffer().limit(res);
                        q.sendmsg(server, in.replyToSource(), 3);
                        echoed = true;
                    } else if (token == 4 && res != 32) {
                        throw new AssertionError("echo of " + res + " bytes");
                    }
                }
            }
            if (!echoed) {
                throw new AssertionError("no echo");
            }
        }
    }
}
