package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpCompletionEchoServerTest {
    @Test
    void shouldEchoEveryDatagramToItsSender() throws Exception {
        CompletionEchoServerTest.assumeIoUring();
        try (Running<UdpCompletionEchoServer> running =
                     new Running<>(new UdpCompletionEchoServer(new InetSocketAddress("127.0.0.1", 0)));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(10_000);
            Random random = new Random(7);
            for (int i = 0; i < 50; i++) {
                byte[] data = new byte[i == 0 ? 0 : i == 1 ? 65_507 : random.nextInt(9000)];
                random.nextBytes(data);
                client.send(new DatagramPacket(data, data.length, running.address));
                DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
                client.receive(reply);
                assertEquals(running.address, reply.getSocketAddress());
                assertArrayEquals(data, Arrays.copyOf(reply.getData(), reply.getLength()), "datagram " + i);
            }
            assertEquals(0, running.server.dropped());
        }
    }

    @Test
    void aBurstFromSeveralSendersGoesBackToEachSender() throws Exception {
        CompletionEchoServerTest.assumeIoUring();
        int senders = 3;
        int burst = 2 * UdpCompletionEchoServer.MESSAGES; // more than the server receives at once
        try (Running<UdpCompletionEchoServer> running =
                     new Running<>(new UdpCompletionEchoServer(new InetSocketAddress("127.0.0.1", 0)))) {
            DatagramSocket[] clients = new DatagramSocket[senders];
            try {
                for (int s = 0; s < senders; s++) {
                    clients[s] = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                    clients[s].setSoTimeout(10_000);
                }
                for (int k = 0; k < burst; k++) {
                    for (int s = 0; s < senders; s++) {
                        byte[] data = ByteBuffer.allocate(8).putInt(s).putInt(k).array();
                        clients[s].send(new DatagramPacket(data, data.length, running.address));
                    }
                }
                for (int s = 0; s < senders; s++) {
                    Set<Integer> got = new HashSet<>();
                    for (int k = 0; k < burst; k++) {
                        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                        clients[s].receive(reply);
                        ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
                        assertEquals(s, b.getInt(), "a reply goes to the datagram's own sender");
                        got.add(b.getInt());
                    }
                    assertEquals(burst, got.size(), "sender " + s + ": every datagram once");
                }
            } finally {
                for (DatagramSocket c : clients) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
    }
}
