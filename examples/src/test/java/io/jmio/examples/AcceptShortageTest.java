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
import java.net.Socket;
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
    private static final int CLIENTS = 3;

    @Test
    void anEdgeTriggeredServerOutOfDescriptorsServesTheWaitingClientsOnceFree() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX, "fills the descriptor table with Linux pipes");
        EchoServer server = new EchoServer(new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress address = server.localAddress();
        // The clients connect before the loop runs: they wait in the backlog, and the listener's one edge
        // is pending in the poll.
        List<Socket> clients = new ArrayList<>();
        List<Integer> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Socket s = new Socket(address.getAddress(), address.getPort());
                s.setSoTimeout(20_000);
                clients.add(s);
            }
            Running<EchoServer> running;
            try {
                fillUntilEmfile(fillers);
                running = new Running<>(server);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                // The edge is spent on a failing accept; a second failure shows the loop retrying by itself.
                while (server.acceptFailures() < 2) {
                    assertTrue(System.nanoTime() < deadline, "accept failures seen: " + server.acceptFailures());
                    LockSupport.parkNanos(1_000_000);
                }
            } finally {
                for (int fd : fillers) {
                    Posix.close(fd);
                }
                fillers.clear();
            }
            try (running) {
                for (int i = 0; i < CLIENTS; i++) {
                    byte[] hello = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                    Socket s = clients.get(i);
                    s.getOutputStream().write(hello);
                    byte[] back = new byte[hello.length];
                    InputStream in = s.getInputStream();
                    for (int off = 0; off < back.length; ) {
                        int n = in.read(back, off, back.length - off);
                        assertTrue(n > 0, "client " + i + ": the echo ended early");
                        off += n;
                    }
                    assertArrayEquals(hello, back, "client " + i);
                }
            }
        } finally {
            for (int fd : fillers) {
                Posix.close(fd);
            }
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    /** Takes every free descriptor with pipes (and, for an odd limit, one more descriptor). */
    private static void fillUntilEmfile(List<Integer> fillers) throws Exception {
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
