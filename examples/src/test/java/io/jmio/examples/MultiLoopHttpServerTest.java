package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.posix.Platform;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MultiLoopHttpServerTest {
    private static final int LOOPS = 4;

    private static MultiLoopHttpServer server(MultiLoopHttpServer.Mode mode) throws Exception {
        return new MultiLoopHttpServer(new InetSocketAddress("127.0.0.1", 0), LOOPS, mode);
    }

    private static void assumeModeWorksHere(MultiLoopHttpServer.Mode mode) {
        assumeTrue(mode == MultiLoopHttpServer.Mode.HANDOFF || Platform.current() == Platform.LINUX,
                "SO_REUSEPORT spreads connections on Linux only");
    }

    @ParameterizedTest
    @EnumSource(MultiLoopHttpServer.Mode.class)
    void shouldSpreadConnectionsOverTheLoops(MultiLoopHttpServer.Mode mode) throws Exception {
        assumeModeWorksHere(mode);
        try (Running<MultiLoopHttpServer> running = new Running<>(server(mode))) {
            int connections = 32;
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    Socket s = new Socket(running.address.getAddress(), running.address.getPort());
                    s.setSoTimeout(10_000);
                    sockets.add(s);
                }
                for (int round = 0; round < 2; round++) {   // two requests each: the connections stay open
                    for (Socket s : sockets) {
                        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    for (Socket s : sockets) {
                        String response = HttpFramingTest.readResponse(s.getInputStream());
                        assertTrue(response != null && response.startsWith("HTTP/1.1 200 OK")
                                && response.endsWith(HttpServer.BODY), String.valueOf(response));
                    }
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            long[] perLoop = running.server.connectionsPerLoop();
            assertEquals(connections, Arrays.stream(perLoop).sum(), Arrays.toString(perLoop));
            long busy = Arrays.stream(perLoop).filter(n -> n > 0).count();
            if (mode == MultiLoopHttpServer.Mode.HANDOFF) {
                assertTrue(Arrays.stream(perLoop).allMatch(n -> n == connections / LOOPS),
                        "handed out in turn: " + Arrays.toString(perLoop));
            } else {
                // The kernel hashes each connection's addresses: all 32 on one of 4 listeners is (1/4)^31.
                assertTrue(busy >= 2, "the kernel spread connections over the listeners: " + Arrays.toString(perLoop));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MultiLoopHttpServer.Mode.class)
    void shouldServeConcurrentJdkClientRequests(MultiLoopHttpServer.Mode mode) throws Exception {
        assumeModeWorksHere(mode);
        try (Running<MultiLoopHttpServer> running = new Running<>(server(mode))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + running.address.getPort() + "/");
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pending.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(HttpServer.BODY, r.body());
            }
        }
    }

    @Test
    void shouldServeApacheBenchWithKeepAlive() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ab")), "ab is not installed (apt-get install apache2-utils)");
        try (Running<MultiLoopHttpServer> running = new Running<>(server(MultiLoopHttpServer.Mode.forThisOs()))) {
            Process ab = new ProcessBuilder("/usr/bin/ab", "-k", "-q", "-s", "10", "-n", "4000", "-c", "16",
                    "http://127.0.0.1:" + running.address.getPort() + "/").redirectErrorStream(true).start();
            InputStream in = ab.getInputStream();
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ab.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, ab.exitValue(), out);
            assertTrue(out.contains("Complete requests:      4000") && out.contains("Failed requests:        0")
                    && out.contains("Keep-Alive requests:    4000"), out);
        }
    }
}
