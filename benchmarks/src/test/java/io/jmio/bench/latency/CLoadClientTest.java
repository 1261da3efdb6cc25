package io.jmio.bench.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.bench.echo.CCompiler;
import io.jmio.bench.echo.EchoServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

/**
 * The C load client against real servers: closed loop completes round trips, open loop sends exactly
 * the scheduled number of messages and records one latency per message of the window, and a server
 * that changes a byte fails the run.
 */
class CLoadClientTest {

    @Test
    void closedAndOpenLoopShouldMeasureAJmioServer(@TempDir Path dir) throws IOException {
        assumeTrue(CCompiler.unavailabilityCause() == null, "gcc is not installed");
        try (EchoServer server = EchoServer.open("jmio-edge")) {
            Map<String, Double> closed = CLoadClient.run(server.port(), false, 4, 64, 50, 200, 0, dir.resolve("c.tsv"));
            assertTrue(closed.get("ROUND_TRIPS") > 0, "closed loop completed round trips: " + closed);
            Map<String, Double> open = CLoadClient.run(server.port(), true, 4, 64, 100, 500, 2000, dir.resolve("o.tsv"));
            // 2,000 messages/s for 0.5 s: 1,000 intended in the window, each answered and recorded once.
            assertEquals(1000.0, open.get("RECORDED"), "one latency per message of the window: " + open);
            assertEquals(0.0, open.get("UNANSWERED"), open.toString());
            assertEquals(1200.0, open.get("SENT"), "warm-up and window together: " + open);
            Histogram h = Histogram.read(dir.resolve("o.tsv"));
            assertEquals(1000, h.total());
            assertTrue(h.valueAt(50) > 0 && h.valueAt(50) <= h.valueAt(100), "p50 " + h.valueAt(50));
            assertEquals(open.get("MAX_NS"), h.valueAt(100), h.valueAt(100) / 64, "the max lies in the last bucket");
        }
    }

    @Test
    void aServerThatChangesAByteShouldFailTheRun(@TempDir Path dir) throws Exception {
        assumeTrue(CCompiler.unavailabilityCause() == null, "gcc is not installed");
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread flipper = new Thread(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[64];
                    int n = in.read(b);
                    b[20] ^= 1;
                    out.write(b, 0, Math.max(n, 0));
                    in.read(b); // until the client gives up
                } catch (IOException ignored) {
                    // the client closed the connection
                }
            });
            flipper.setDaemon(true);
            flipper.start();
            IOException e = assertThrows(IOException.class,
                    () -> CLoadClient.run(listener.getLocalPort(), false, 1, 64, 0, 2000, 0, dir.resolve("x.tsv")));
            assertTrue(e.getMessage().contains("differs from what was sent"), e.getMessage());
            flipper.join(5000);
        }
    }
}
