package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An HTTP/1.1 "Hello, world!" server on one thread, with keep-alive and pipelining, for curl, wrk and
 * browsers.
 *
 * <p>Every request (any method, any path) gets {@code 200 OK} and a 13-byte body. Connections stay
 * open as HTTP/1.0 and 1.1 define it (HTTP/1.1 unless {@code Connection: close}; HTTP/1.0 only with
 * {@code Connection: keep-alive}, which the response then repeats). Request bodies, by
 * {@code Content-Length} or chunked, are read and discarded; other transfer codings get {@code 501}.
 * The protocol is {@link HttpConnection}'s; this class is the event loop.
 *
 * <pre>
 * java -cp ... io.jmio.examples.HttpServer 8080
 * curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/again      # one connection, two requests
 * ab -k -n 100000 -c 50 http://127.0.0.1:8080/                     # HTTP/1.0 keep-alive
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

    /** The body every request gets. */
    public static final String BODY = HttpConnection.BODY;

    private final Poll poll;
    private final TcpListener listener;
    private final Waker waker;
    private final Slab<HttpConnection> connections = new Slab<>();
    private final AcceptRetry acceptRetry = new AcceptRetry();
    private volatile boolean stopping;

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
            poll.poll(events, acceptRetry.pollTimeout());
            for (Event event : events) {
                long token = event.token();
                if (token == LISTENER.value()) {
                    accept();
                } else if (token != WAKER.value()) {
                    HttpConnection c = connections.get(token - FIRST_CONNECTION);
                    if (c != null && !handleSafely(c)) {
                        connections.remove(token - FIRST_CONNECTION);
                        c.stream.close();
                    }
                }
            }
            if (acceptRetry.backlogged()) {
                accept(); // an edge-triggered listener will not report the waiting connections again
            }
        }
    }

    /** @return how many accepts failed (e.g. {@code EMFILE}); each is retried without waiting for an event */
    public long acceptFailures() {
        return acceptRetry.failures();
    }

    private void accept() throws IOException {
        while (true) {
            TcpStream stream;
            try {
                stream = listener.accept();
            } catch (java.net.SocketException e) {
                acceptRetry.failed(e); // e.g. EMFILE: the connection stays queued; run() retries
                return;
            }
            if (stream == null) {
                acceptRetry.drained();
                return;
            }
            stream.setNoDelay(true);
            long token = FIRST_CONNECTION + connections.add(new HttpConnection(stream));
            poll.registry().register(stream, token, Interest.READABLE.add(Interest.WRITABLE)); // a long: no Token made
        }
    }

    private static boolean handleSafely(HttpConnection c) {
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
