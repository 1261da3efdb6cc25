package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UdpEchoServerTest {
    @Test
    void shouldEchoEveryDatagramToItsSender() throws Exception {
        try (Running<UdpEchoServer> running = new Running<>(new UdpEchoServer(new InetSocketAddress("127.0.0.1", 0)));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(10_000);
            Random random = new Random(7);
            for (int i = 0; i < 50; i++) {
                byte[] data = new byte[i == 0 ? 0 : random.nextInt(9000)];
                random.nextBytes(data);
                client.send(new DatagramPacket(data, data.length, running.address));
                DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
                client.receive(reply);
                assertEquals(running.address, reply.getSocketAddress());
                assertArrayEquals(data, Arrays.copyOf(reply.getData(), reply.getLength()), "datagram " + i);
            }
        }
    }
}
