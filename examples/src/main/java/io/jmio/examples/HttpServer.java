package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.Shutdown;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 "Hello, world!" server on one thread, with keep-alive and pipelining, for curl, wrk and
 * browsers.
 *
 * <p>Every request (any method, any path) gets {@code 200 OK} and a 13-byte body. Connections stay
 * open (HTTP/1.1's default) unless the request says {@code Connection: close} or is HTTP/1.0 without
 * {@code Connection: keep-alive}. Request bodies announced by {@code Content-Length} are skipped.
 * Headers over 16 KiB get {@code 431} and the connection is closed.
 *
 * <pre>
 * java -cp ... io.jmio.examples.HttpServer 8080
 * curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/again      # one connection, two requests
 * wrk -t2 -c100 -d10s http://127.0.0.1:8080/
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class HttpServer implements ExampleServer {
    private static final Token LISTENER = Token.of(0);
    private static final Token WAKER = Token.of(1);
    /** Connection tokens are this plus their slot in the slab. */
    private static final long FIRST_CONNECTION = 2;
    private static final int MAX_HEAD = 16 * 1024;

    /** The body every request gets. */
    public static final String BODY = "Hello, world!";

    private static final byte[] OK_KEEP_ALIVE = response("200 OK", BODY, false);
    private static final byte[] OK_CLOSE = response("200 OK", BODY, true);
    private static final byte[] TOO_LARGE = response("431 Request Header Fields Too Large", "", true);
    private static final byte[] BAD_REQUEST = response("400 Bad Request", "", true);
    private static final int MAX_RESPONSE = Math.max(Math.max(OK_CLOSE.length, OK_KEEP_ALIVE.length),
            Math.max(TOO_LARGE.length, BAD_REQUEST.length));

    private final Poll poll;
    private final TcpListener listener;
    private final Waker waker;
    private final Slab<Connection> connections = new Slab<>();
    private volatile boolean stopping;

    private static byte[] response(String status, String body, boolean close) {
        return ("HTTP/1.1 " + status + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** One client: request bytes read, response bytes to write, and how much body to skip. */
    private static final class Connection {
        final TcpStream stream;
        final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
        final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
        long bodyToSkip;
        boolean closeAfterWrite;
        boolean outputShutDown;

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        /** @return false once the connection is finished */
        boolean handle() throws IOException {
            while (true) {
                if (!flush()) {
                    return true;           // the kernel's buffer is full: wait for writable
                }
                if (closeAfterWrite) {
                    return lingeringClose();
                }
                parse();                   // answer what is buffered, as far as out has room
                if (out.position() > 0) {
                    continue;
                }
                int n = stream.read(in);
                if (n < 0) {
                    return false;
                }
                if (n == 0) {
                    return true;           // would block (in is never full here: parse made room or answered 431)
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
            while (!closeAfterWrite) {
                if (bodyToSkip > 0) {
                    int skip = (int) Math.min(bodyToSkip, in.remaining());
                    in.position(in.position() + skip);
                    bodyToSkip -= skip;
                    if (bodyToSkip > 0) {
                        break;
                    }
                }
                if (out.remaining() < MAX_RESPONSE) {
                    break;                 // answer the rest once out has drained
                }
                int start = in.position();
                int end = indexOfHeadEnd(in, start, in.limit());
                if (end < 0) {
                    if (in.remaining() == in.capacity()) {
                        queue(TOO_LARGE);
                        closeAfterWrite = true;
                    }
                    break;
                }
                answer(start, end);
                in.position(end + 4);
            }
            in.compact();
        }

        private void answer(int start, int end) {
            int lineEnd = indexOf(in, start, end, (byte) '\r');
            if (lineEnd < 0) {
                lineEnd = end;
            }
            boolean http10 = regionContains(in, start, lineEnd, "HTTP/1.0");
            if (!regionContains(in, start, lineEnd, "HTTP/1.")) {
                queue(BAD_REQUEST);
                closeAfterWrite = true;
                return;
            }
            String connection = headerValue(in, lineEnd, end, "connection");
            long length = parseLength(headerValue(in, lineEnd, end, "content-length"));
            if (length < 0) {
                queue(BAD_REQUEST);
                closeAfterWrite = true;
                return;
            }
            bodyToSkip = length;
            boolean close = connection != null && connection.equalsIgnoreCase("close")
                    || http10 && (connection == null || !connection.equalsIgnoreCase("keep-alive"));
            queue(close ? OK_CLOSE : OK_KEEP_ALIVE);
            closeAfterWrite = close;
        }

        private void queue(byte[] response) {
            out.put(response);     // parse() checked the room
        }
    }

    static int indexOfHeadEnd(ByteBuffer b, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuffer b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionContains(ByteBuffer b, int from, int to, String ascii) {
        outer:
        for (int i = from; i + ascii.length() <= to; i++) {
            for (int k = 0; k < ascii.length(); k++) {
                if (b.get(i + k) != ascii.charAt(k)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The trimmed value of a header (name in lower case) in {@code [from, to)}, or null. */
    private static String headerValue(ByteBuffer b, int from, int to, String name) {
        int line = from;
        while (line < to) {
            int next = indexOf(b, line, to, (byte) '\n');
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
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * @param address where to listen
     * @throws IOException if the poll or the listener cannot be opened
     */
    public HttpServer(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        listener = TcpListener.bind(address);
        poll.registry().register(listener, LISTENER, Interest.READABLE);
        waker = new Waker(poll.registry(), WAKER);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    @Override
    public void run() throws IOException {
        Events events = Events.withCapacity(1024);
        while (!stopping) {
            poll.poll(events, null);
            for (Event event : events) {
                long token = event.token();
                if (token == LISTENER.value()) {
                    accept();
                } else if (token != WAKER.value()) {
                    Connection c = connections.get(token - FIRST_CONNECTION);
                    if (c != null && !handleSafely(c)) {
                        connections.remove(token - FIRST_CONNECTION);
                        c.stream.close();
                    }
                }
            }
        }
    }

    private void accept() throws IOException {
        while (true) {
            TcpStream stream;
            try {
                stream = listener.accept();
            } catch (java.net.SocketException e) {
                System.err.println("accept failed, still listening: " + e.getMessage());
                return;
            }
            if (stream == null) {
                return;
            }
            stream.setNoDelay(true);
            long token = FIRST_CONNECTION + connections.add(new Connection(stream));
            poll.registry().register(stream, Token.of(token), Interest.READABLE.add(Interest.WRITABLE));
        }
    }

    private static boolean handleSafely(Connection c) {
        try {
            return c.handle();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        waker.wakeUnchecked();
    }

    @Override
    public void close() throws IOException {
        connections.drain(c -> {
            try {
                c.stream.close();
            } catch (IOException e) {
                System.err.println("close failed: " + e.getMessage());
            }
        });
        listener.close();
        waker.close();
        poll.close();
    }

    /**
     * @param args {@code [port [host]]}, default 8080 on 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        ExampleServer.runUntilInterrupted("http server", new HttpServer(ExampleServer.address(args, 8080)));
    }
}
