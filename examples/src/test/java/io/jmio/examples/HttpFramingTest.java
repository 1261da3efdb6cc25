package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Keep-alive negotiation (HTTP/1.0 and 1.1) and request-body framing (Content-Length, chunked, refused codings). */
class HttpFramingTest {
    private static final String BODY = HttpServer.BODY;

    private static HttpServer server() throws IOException {
        return new HttpServer(new InetSocketAddress("127.0.0.1", 0));
    }

    /** Reads one response (head, then Content-Length bytes); @return the head and body, or null at end of stream. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.US_ASCII);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    private static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static Socket connect(Running<HttpServer> running) throws IOException {
        Socket socket = new Socket(running.address.getAddress(), running.address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void shouldSayKeepAliveToAnHttp10ClientThatAskedForIt() throws Exception {
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                send(socket, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
                String response = readResponse(in);
                assertTrue(response != null && response.endsWith(BODY), "answered: " + response);
                assertTrue(response.toLowerCase(Locale.ROOT).contains("\r\nconnection: keep-alive\r\n"),
                        "an HTTP/1.0 client keeps the connection only if the response says keep-alive: " + response);
            }
            send(socket, "GET / HTTP/1.0\r\n\r\n");
            String last = readResponse(in);
            assertTrue(last.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), last);
            assertEquals("", rest(in), "closed after an HTTP/1.0 request without keep-alive");
        }
    }

    @Test
    void shouldReadConnectionAsATokenList() throws Exception {
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            InputStream in = socket.getInputStream();
            send(socket, "GET / HTTP/1.0\r\nConnection: foo, keep-alive\r\n\r\n");
            assertTrue(readResponse(in).toLowerCase(Locale.ROOT).contains("connection: keep-alive"));
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n");
            String closing = readResponse(in);
            assertTrue(closing.toLowerCase(Locale.ROOT).contains("connection: close"), closing);
            assertEquals("", rest(in), "close in a token list closes");
        }
    }

    @Test
    void shouldReadAChunkedBodyAsTheBodyNotAsANextRequest() throws Exception {
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            InputStream in = socket.getInputStream();
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n1a\r\n" + "GET /smuggled HTTP/1.1\r\n\r\n".substring(0, 26) + "\r\n"
                    + "0\r\nTrailer: yes\r\n\r\n");
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 200 OK") && first.endsWith(BODY), first);
            // The body arrives in pieces, split inside a chunk-size line and inside the data.
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1");
            String second = readResponse(in);
            assertTrue(second.startsWith("HTTP/1.1 200 OK"), second);
            send(socket, "0\r\n" + "x".repeat(8));
            send(socket, "x".repeat(8) + "\r\n0\r\n");
            send(socket, "\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String last = readResponse(in);
            assertTrue(last.startsWith("HTTP/1.1 200 OK") && last.contains("Connection: close"), last);
            assertEquals("", rest(in), "exactly three responses: no chunk was taken for a request");
        }
    }

    @Test
    void shouldCloseAfterABrokenChunkedBody() throws Exception {
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            InputStream in = socket.getInputStream();
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET / HTTP/1.1\r\n\r\n");
            String all = rest(in);
            assertTrue(all.startsWith("HTTP/1.1 200 OK"), all);
            assertTrue(all.endsWith("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n"), "a bad chunk size ends the connection with 400: " + all);
        }
    }

    @Test
    void shouldRefuseTransferCodingsItCannotReadWith501AndClose() throws Exception {
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET / HTTP/1.1\r\n\r\n");
            String all = rest(socket.getInputStream());
            assertTrue(all.startsWith("HTTP/1.1 501 Not Implemented\r\n"), all);
            assertTrue(all.contains("Connection: close"), all);
            assertTrue(!all.contains("200 OK"), "nothing after the refused body is read as a request: " + all);
        }
        try (Running<HttpServer> running = new Running<>(server()); Socket socket = connect(running)) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            String all = rest(socket.getInputStream());
            assertTrue(all.startsWith("HTTP/1.1 400 Bad Request\r\n"), "both framings at once are refused: " + all);
        }
    }

    @Test
    void shouldServeTheJdkHttpClientSendingAChunkedBodyAndKeepTheConnection() throws Exception {
        try (Running<HttpServer> running = new Running<>(server())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + running.address.getPort() + "/upload");
            for (int i = 0; i < 5; i++) {
                byte[] payload = ("line " + i + "\n").repeat(5_000).getBytes(StandardCharsets.US_ASCII);
                // An InputStream publisher has no known length: the JDK client sends it chunked.
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(payload)))
                        .build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals(BODY, response.body());
                HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(BODY, get.body(), "the request after a chunked body");
            }
        }
    }
}
