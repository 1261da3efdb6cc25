package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EchoServerTest {
    /** Sends {@code data} from one thread while reading the echo on this one; returns what came back. */
    static byte[] echo(InetSocketAddress address, byte[] data, ExecutorService pool) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            Future<?> writer = pool.submit(() -> {
                OutputStream out = socket.getOutputStream();
                for (int off = 0; off < data.length; off += 8192) {
                    out.write(data, off, Math.min(8192, data.length - off));
                }
                socket.shutdownOutput();
                return null;
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[16384];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                received.write(chunk, 0, n);
            }
            writer.get(30, TimeUnit.SECONDS);
            return received.toByteArray();
        }
    }

    @Test
    void shouldEchoEveryByteToConcurrentClients() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (Running<EchoServer> running = new Running<>(new EchoServer(new InetSocketAddress("127.0.0.1", 0)))) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int seed = c;
                clients.add(pool.submit(() -> {
                    byte[] data = new byte[(1 << 20) + seed * 1000];
                    new Random(seed).nextBytes(data);
                    byte[] back = echo(running.address, data, pool);
                    assertEquals(data.length, back.length);
                    assertArrayEquals(data, back);
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }
            byte[] empty = echo(running.address, new byte[0], pool);
            assertEquals(0, empty.length, "a client that sends nothing gets end of stream");
        } finally {
            pool.shutdownNow();
        }
    }
}
