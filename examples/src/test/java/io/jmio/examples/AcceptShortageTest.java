package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.SyscallException;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Review D3: the example echo server, whose listener is edge-triggered, runs out of descriptors with
 * clients already waiting in the backlog. The one readiness event it gets is spent on an accept that
 * fails with {@code EMFILE}; once descriptors are free again, no new event comes for the clients
 * already queued, so a server that waits for one never serves them. The example retries the accept
 * by itself while backlogged, and serves every waiting client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcceptShortageTest {
    /**
     * One: each connection queued is an edge of its own, so with several, an edge still pending when
     * descriptors come back would let even a server that never retries accept them all.
     */
    private static final int CLIENTS = 1;

    @Test
    void anEdgeTriggeredServerOutOfDescriptorsServesTheWaitingClientsOnceFree() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX, "fills the descriptor table with Linux pipes");
        List<SocketChannel> clients = new ArrayList<>();
        List<Integer> fillers = new ArrayList<>();
        try (Running<EchoServer> running = new Running<>(new EchoServer(new InetSocketAddress("127.0.0.1", 0)))) {
            EchoServer server = running.server;
            // One client served first: the loop (and this test) load every class they use while
            // descriptors, which class loading needs, are still free.
            SocketChannel warmUp = SocketChannel.open(running.address);
            clients.add(warmUp);
            echo(warmUp, "warm-up");
            int warmUps = clients.size();
            // The clients' sockets exist before the shortage; they connect during it, so the listener's
            // one edge is spent on an accept that fails with EMFILE, and the clients stay queued.
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(SocketChannel.open());
            }
            try {
                fillUntilEmfile(fillers);
                for (SocketChannel c : clients.subList(warmUps, clients.size())) {
                    c.connect(running.address);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (server.acceptFailures() < 1) {
                    assertTrue(System.nanoTime() < deadline, "no accept failed while out of descriptors");
                    LockSupport.parkNanos(1_000_000);
                }
            } finally {
                for (int fd : fillers) {
                    Posix.close(fd);
                }
                fillers.clear();
            }
            // Descriptors are free, but no new connection arrives: only a server that retries the
            // accept by itself serves the clients already queued.
            for (int i = warmUps; i < clients.size(); i++) {
                echo(clients.get(i), "hello " + i);
            }
        } finally {
            for (int fd : fillers) {
                Posix.close(fd);
            }
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /** Sends {@code text} and reads its echo, waiting at most 10 s. */
    static void echo(SocketChannel channel, String text) throws Exception {
        byte[] hello = text.getBytes(StandardCharsets.US_ASCII);
        channel.socket().setSoTimeout(10_000);
        channel.socket().getOutputStream().write(hello);
        byte[] back = new byte[hello.length];
        InputStream in = channel.socket().getInputStream();
        for (int off = 0; off < back.length; ) {
            int n;
            try {
                n = in.read(back, off, back.length - off);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no echo within 10 s for \"" + text + "\": the queued client was never accepted", e);
            }
            assertTrue(n > 0, text + ": the echo ended early");
            off += n;
        }
        assertArrayEquals(hello, back, text);
    }

    /** Takes every free descriptor with pipes (and, for an odd limit, one more descriptor). */
    static void fillUntilEmfile(List<Integer> fillers) throws Exception {
        for (int i = 0; i < 1_000_000; i++) {
            try {
                int[] p = Posix.pipe();
                fillers.add(p[0]);
                fillers.add(p[1]);
            } catch (SyscallException e) {
                assertEquals("EMFILE", e.errnoName(), e.getMessage());
                try {
                    fillers.add(Posix.socket(SocketConstants.AF_UNIX, SocketConstants.SOCK_DGRAM));
                } catch (java.io.IOException last) {
                    assertEquals("EMFILE", ((SyscallFailure) last).errnoName(), last.getMessage());
                }
                return;
            }
        }
        throw new AssertionError("descriptor limit never reached");
    }
}
