package io.jmio.examples;

import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One client of the HTTP example servers ({@link HttpServer}, {@link MultiLoopHttpServer}): reads
 * requests, answers each with {@code 200 OK} and {@link #BODY}, and decides when the connection ends.
 *
 * <p><b>Keep-alive</b>, as HTTP defines it (RFC 9112 section 9.3): an HTTP/1.1 connection stays open
 * unless the request's {@code Connection} header lists {@code close}; an HTTP/1.0 connection stays
 * open only if it lists {@code keep-alive}, and then the response says {@code Connection: keep-alive}
 * (an HTTP/1.0 client such as {@code ab -k} waits for that before sending its next request). A
 * response that ends the connection says {@code Connection: close}.
 *
 * <p><b>Request bodies</b> are read and discarded, framed as RFC 9112 section 6 says: by
 * {@code Content-Length}, or by {@code Transfer-Encoding: chunked} (chunk sizes, extensions and
 * trailers are parsed, so no chunk is taken for a request). Other transfer codings are refused with
 * {@code 501 Not Implemented}; both framings at once, a bad length or a broken chunk with
 * {@code 400 Bad Request}; a head over 16 KiB with {@code 431}. Each refusal closes the connection,
 * since where the next request starts is then unknown.
 *
 * <p>Threading: one event-loop thread.
 */
final class HttpConnection {
    /** The body every request gets. */
    static final String BODY = "Hello, world!";
    private static final int MAX_HEAD = 16 * 1024;

    private static final byte[] OK = response("200 OK", BODY, null);
    private static final byte[] OK_KEEP_ALIVE = response("200 OK", BODY, "keep-alive");
    private static final byte[] OK_CLOSE = response("200 OK", BODY, "close");
    private static final byte[] TOO_LARGE = response("431 Request Header Fields Too Large", "", "close");
    private static final byte[] BAD_REQUEST = response("400 Bad Request", "", "close");
    private static final byte[] NOT_IMPLEMENTED = response("501 Not Implemented", "", "close");
    private static final int MAX_RESPONSE = java.util.stream.Stream.of(OK, OK_KEEP_ALIVE, OK_CLOSE, TOO_LARGE,
            BAD_REQUEST, NOT_IMPLEMENTED).mapToInt(r -> r.length).max().orElseThrow();

    /** Where the reader is in the current request's body. */
    private enum Body { NONE, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, BROKEN }

    final TcpStream stream;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
    private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
    private Body body = Body.NONE;
    private long bodyLeft;
    private boolean closeAfterWrite;
    private boolean outputShutDown;

    HttpConnection(TcpStream stream) {
        this.stream = stream;
    }

    private static byte[] response(String status, String body, String connection) {
        return ("HTTP/1.1 " + status + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + (connection != null ? "Connection: " + connection + "\r\n" : "")
                + "\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads, answers and writes what it can without blocking.
     *
     * @return false once the connection is finished (the caller closes it)
     * @throws IOException from the stream
     */
    boolean handle() throws IOException {
        while (true) {
            if (!flush()) {
                return true;           // the kernel's buffer is full: wait for writable
            }
            if (closeAfterWrite) {
                return lingeringClose();
            }
            parse();                   // answer what is buffered, as far as out has room
            if (out.position() > 0 || closeAfterWrite) {
                continue;
            }
            int n = stream.read(in);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                return true;           // would block (in is never full here: parse made room or refused)
            }
        }
    }

    /**
     * Closing with unread request bytes would make the kernel reset the connection, and the client
     * could lose the last response; so shut down writing, then read and discard until the client
     * closes too.
     */
    private boolean lingeringClose() throws IOException {
        if (!outputShutDown) {
            stream.shutdown(Shutdown.WRITE);
            outputShutDown = true;
        }
        while (true) {
            in.clear();
            int n = stream.read(in);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                return true;
            }
        }
    }

    /** Writes what is queued; @return true when all of it is out. */
    private boolean flush() throws IOException {
        if (out.position() == 0) {
            return true;
        }
        out.flip();
        stream.write(out);
        out.compact();
        return out.position() == 0;
    }

    /** Answers every complete request in {@code in}, keeping an incomplete one for later. */
    private void parse() {
        in.flip();
        while (!closeAfterWrite && skipBody()) {
            if (out.remaining() < MAX_RESPONSE) {
                break;                 // answer the rest once out has drained
            }
            if (body == Body.BROKEN) {
                refuse(BAD_REQUEST);
                break;
            }
            int start = in.position();
            int end = indexOf(in, start, in.limit(), "\r\n\r\n");
            if (end < 0) {
                if (in.remaining() == in.capacity()) {
                    refuse(TOO_LARGE);
                }
                break;
            }
            in.position(end + 4);
            answer(start, end);
        }
        in.compact();
    }

    private void refuse(byte[] response) {
        out.put(response);            // parse() checked the room
        closeAfterWrite = true;
    }

    /** Answers the request whose head is {@code [start, end)} and sets up the reading of its body. */
    private void answer(int start, int end) {
        int lineEnd = indexOf(in, start, end, "\r\n");
        if (lineEnd < 0) {
            lineEnd = end;
        }
        if (indexOf(in, start, lineEnd, " HTTP/1.") < 0) {
            refuse(BAD_REQUEST);
            return;
        }
        boolean http10 = indexOf(in, start, lineEnd, " HTTP/1.0") >= 0;
        String connection = headerValue(in, lineEnd, end, "connection");
        String length = headerValue(in, lineEnd, end, "content-length");
        String coding = headerValue(in, lineEnd, end, "transfer-encoding");
        if (coding != null) {
            if (length != null || http10) {
                refuse(BAD_REQUEST);  // RFC 9112 6.1: ambiguous framing, or a coding HTTP/1.0 does not have
                return;
            }
            if (!coding.trim().equalsIgnoreCase("chunked")) {
                refuse(hasToken(coding, "chunked") && !coding.trim().toLowerCase(Locale.ROOT).endsWith("chunked")
                        ? BAD_REQUEST         // chunked, but not last: the length cannot be known
                        : NOT_IMPLEMENTED);   // a coding this server does not decode
                return;
            }
            body = Body.CHUNK_SIZE;
        } else if (length != null) {
            bodyLeft = parseLength(length);
            if (bodyLeft < 0) {
                refuse(BAD_REQUEST);
                return;
            }
            body = bodyLeft > 0 ? Body.LENGTH : Body.NONE;
        }
        boolean keepAlive = http10 ? hasToken(connection, "keep-alive") && !hasToken(connection, "close")
                : !hasToken(connection, "close");
        out.put(!keepAlive ? OK_CLOSE : http10 ? OK_KEEP_ALIVE : OK);
        closeAfterWrite = !keepAlive;
    }

    /**
     * Consumes the current request's body from {@code in}.
     *
     * @return true once it is done (or {@link Body#BROKEN}), false if more bytes are needed
     */
    private boolean skipBody() {
        while (true) {
            switch (body) {
                case NONE, BROKEN -> {
                    return true;
                }
                case LENGTH, CHUNK_DATA -> {
                    int skip = (int) Math.min(bodyLeft, in.remaining());
                    in.position(in.position() + skip);
                    bodyLeft -= skip;
                    if (bodyLeft > 0) {
                        return false;
                    }
                    body = body == Body.LENGTH ? Body.NONE : Body.CHUNK_DATA_END;
                }
                case CHUNK_DATA_END -> {
                    if (in.remaining() < 2) {
                        return false;
                    }
                    boolean crlf = in.get(in.position()) == '\r' && in.get(in.position() + 1) == '\n';
                    in.position(in.position() + 2);
                    body = crlf ? Body.CHUNK_SIZE : Body.BROKEN;
                }
                case CHUNK_SIZE, TRAILER -> {
                    int lineEnd = indexOf(in, in.position(), in.limit(), "\r\n");
                    if (lineEnd < 0) {
                        if (in.remaining() == in.capacity()) {
                            body = Body.BROKEN;   // a 16 KiB line is no chunk header
                        }
                        return body == Body.BROKEN;
                    }
                    int lineStart = in.position();
                    in.position(lineEnd + 2);
                    if (body == Body.TRAILER) {
                        body = lineEnd == lineStart ? Body.NONE : Body.TRAILER; // an empty line ends the trailers
                    } else {
                        bodyLeft = chunkSize(in, lineStart, lineEnd);
                        body = bodyLeft < 0 ? Body.BROKEN : bodyLeft == 0 ? Body.TRAILER : Body.CHUNK_DATA;
                    }
                }
                default -> throw new AssertionError(body);
            }
        }
    }

    /** The size of a chunk-size line {@code hex [; extensions]}, or -1 if it is not one (RFC 9112 7.1). */
    private static long chunkSize(ByteBuffer b, int from, int to) {
        long size = 0;
        int i = from;
        for (; i < to && Character.digit((char) b.get(i), 16) >= 0; i++) {
            if (i - from == 15) {
                return -1;             // 16 hex digits would overflow a long
            }
            size = size * 16 + Character.digit((char) b.get(i), 16);
        }
        if (i == from) {
            return -1;
        }
        for (; i < to && (b.get(i) == ' ' || b.get(i) == '\t'); i++) {
            // bad whitespace before an extension is tolerated, as the RFC allows
        }
        return i == to || b.get(i) == ';' ? size : -1;
    }

    /** Whether a comma-separated header value (e.g. {@code Connection}) has {@code token}, in any case. */
    private static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** @return the first index of {@code ascii} in {@code [from, to)}, or -1 */
    static int indexOf(ByteBuffer b, int from, int to, String ascii) {
        outer:
        for (int i = from; i + ascii.length() <= to; i++) {
            for (int k = 0; k < ascii.length(); k++) {
                if (b.get(i + k) != ascii.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The trimmed value of a header (name in lower case) in {@code [from, to)}, or null. */
    private static String headerValue(ByteBuffer b, int from, int to, String name) {
        int line = from;
        while (line < to) {
            int next = indexOf(b, line, to, "\n");
            int lineEnd = next < 0 ? to : next;
            int start = line;
            while (start < lineEnd && (b.get(start) == '\r' || b.get(start) == '\n')) {
                start++;
            }
            if (lineEnd - start > name.length() && b.get(start + name.length()) == ':') {
                boolean match = true;
                for (int k = 0; k < name.length() && match; k++) {
                    match = Character.toLowerCase((char) b.get(start + k)) == name.charAt(k);
                }
                if (match) {
                    int v = start + name.length() + 1;
                    int e = lineEnd;
                    while (v < e && b.get(v) == ' ') {
                        v++;
                    }
                    while (e > v && (b.get(e - 1) == '\r' || b.get(e - 1) == ' ')) {
                        e--;
                    }
                    byte[] value = new byte[e - v];
                    for (int k = 0; k < value.length; k++) {
                        value[k] = b.get(v + k);
                    }
                    return new String(value, StandardCharsets.US_ASCII);
                }
            }
            line = lineEnd + 1;
        }
        return null;
    }

    private static long parseLength(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;             // digits only (RFC 9110 8.6): no sign, no list
            }
        }
        try {
            return value.isEmpty() ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
