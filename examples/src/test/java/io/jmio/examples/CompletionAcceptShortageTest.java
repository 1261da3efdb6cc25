package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Posix;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The completion echo server out of descriptors: its multishot accept ends with {@code EMFILE} while a
 * client waits in the backlog. Submitting it again at once would fail again at once; the server
 * submits it again after a timeout, and serves the waiting client once descriptors are free, with no
 * new connection to announce it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletionAcceptShortageTest {
    @Test
    void aServerOutOfDescriptorsServesTheWaitingClientOnceFree() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX, "fills the descriptor table with Linux pipes");
        CompletionEchoServerTest.assumeIoUring();
        List<SocketChannel> clients = new ArrayList<>();
        List<Integer> fillers = new ArrayList<>();
        try (Running<CompletionEchoServer> running = new Running<>(new CompletionEchoServer(new InetSocketAddress("127.0.0.1", 0)))) {
            CompletionEchoServer server = running.server;
            SocketChannel warmUp = SocketChannel.open(running.address); // classes loaded while descriptors are free
            clients.add(warmUp);
            AcceptShortageTest.echo(warmUp, "warm-up");
            SocketChannel waiting = SocketChannel.open();
            clients.add(waiting);
            try {
                AcceptShortageTest.fillUntilEmfile(fillers);
                waiting.connect(running.address);
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
            AcceptShortageTest.echo(waiting, "served after the shortage");
            AcceptShortageTest.echo(warmUp, "the first client was served throughout");
        } finally {
            for (int fd : fillers) {
                Posix.close(fd);
            }
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }
}
