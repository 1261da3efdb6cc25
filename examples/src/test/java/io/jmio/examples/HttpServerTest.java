package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpServerTest {
    private static final String OK_BODY = HttpServer.BODY;

    private static String exchange(InetSocketAddress address, String requests) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = in.read(chunk)) >= 0) {   // ends when the server closes
                all.write(chunk, 0, n);
            }
            return all.toString(StandardCharsets.US_ASCII);
        }
    }

    private static int count(String haystack, String needle) {
        int count = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void shouldServeKeepAliveRequestsFromJdkHttpClient() throws Exception {
        try (Running<HttpServer> running = new Running<>(new HttpServer(new InetSocketAddress("127.0.0.1", 0)))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + running.address.getPort() + "/hello");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals(OK_BODY, response.body());
                assertEquals("13", response.headers().firstValue("content-length").orElseThrow());
            }
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(OK_BODY, post.body(), "a request body is skipped");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderAndHonourConnectionClose() throws Exception {
        try (Running<HttpServer> running = new Running<>(new HttpServer(new InetSocketAddress("127.0.0.1", 0)))) {
            String get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            String last = "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            String all = exchange(running.address, get + get + get + last + get);
            assertEquals(4, count(all, "HTTP/1.1 200 OK"), all);
            assertEquals(4, count(all, OK_BODY), all);
            assertTrue(all.endsWith("Connection: close\r\n\r\n" + OK_BODY), "closed after the close request: " + all);

            String http10 = exchange(running.address, "GET / HTTP/1.0\r\n\r\n");
            assertEquals(1, count(http10, OK_BODY), "HTTP/1.0 closes by default: " + http10);

            String tooLarge = exchange(running.address, "GET / HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n");
            assertTrue(tooLarge.startsWith("HTTP/1.1 431"), tooLarge);
        }
    }

    @Test
    void shouldServeCurlOnOneConnection() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        try (Running<HttpServer> running = new Running<>(new HttpServer(new InetSocketAddress("127.0.0.1", 0)))) {
            String url = "http://127.0.0.1:" + running.address.getPort() + "/";
            Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "-v", "--max-time", "10", url, url + "again").start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, curl.exitValue(), err);
            assertEquals(OK_BODY + OK_BODY, out);
            assertTrue(err.toLowerCase().contains("re-using existing connection")
                    || err.toLowerCase().contains("reusing existing connection"), "keep-alive: " + err);
        }
    }

    /** Runs a tool to completion (bounded), returning its standard output; fails with its error output. */
    private static String run(long seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();   // ends when the tool exits (or is killed below)
        boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(exited, () -> String.join(" ", command) + " did not finish: " + text);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + text);
        return text;
    }

    @Test
    void shouldServeApacheBenchWithKeepAlive() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ab")), "ab is not installed (apt-get install apache2-utils)");
        try (Running<HttpServer> running = new Running<>(new HttpServer(new InetSocketAddress("127.0.0.1", 0)))) {
            // ab speaks HTTP/1.0 and, with -k, waits for "Connection: keep-alive" before reusing a connection;
            // -s 10 bounds each wait, so a server that keeps the connection without saying so fails here.
            String out = run(60, "/usr/bin/ab", "-k", "-q", "-s", "10", "-n", "2000", "-c", "8",
                    "http://127.0.0.1:" + running.address.getPort() + "/");
            assertTrue(out.contains("Complete requests:      2000"), out);
            assertTrue(out.contains("Failed requests:        0"), out);
            assertTrue(out.contains("Keep-Alive requests:    2000"), "every request on a kept connection: " + out);
        }
    }

    @Test
    void shouldServeWrkWithoutErrors() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/wrk")), "wrk is not installed (apt-get install wrk)");
        try (Running<HttpServer> running = new Running<>(new HttpServer(new InetSocketAddress("127.0.0.1", 0)))) {
            String out = run(30, "/usr/bin/wrk", "-t1", "-c8", "-d1s", "--timeout", "5s",
                    "http://127.0.0.1:" + running.address.getPort() + "/");
            assertTrue(out.contains("Requests/sec:"), out);
            assertTrue(!out.contains("Socket errors") && !out.contains("Non-2xx"), "no errors, all 200: " + out);
        }
    }
}
