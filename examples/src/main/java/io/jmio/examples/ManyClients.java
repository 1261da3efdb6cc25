package io.jmio.examples;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Opens many connections at once from one thread, sends one line on each, and waits for each line to
 * come back; against {@link DelayServer} all replies arrive about one delay after the start, however
 * many connections there are.
 *
 * <pre>
 * java -cp ... io.jmio.examples.ManyClients 127.0.0.1 9002 5000
 * </pre>
 *
 * <p>Threading: {@link #run} on one thread.
 */
public final class ManyClients {
    /**
     * What a run achieved.
     *
     * @param connections how many were opened
     * @param correct     how many got their own line back, byte for byte
     * @param failed      how many failed (refused, reset, wrong reply)
     * @param elapsed     from the first connect to the last reply
     */
    public record Result(int connections, int correct, int failed, Duration elapsed) {
    }

    private ManyClients() {
    }

    private static final class Client {
        final TcpStream stream;
        final ByteBuffer request;
        final ByteBuffer reply;
        boolean done;

        Client(TcpStream stream, int index) {
            this.stream = stream;
            this.request = ByteBuffer.wrap(("hello from client " + index + "\n").getBytes(StandardCharsets.US_ASCII));
            this.reply = ByteBuffer.allocate(request.capacity());
        }
    }

    /**
     * @param server      the server's address
     * @param connections how many connections
     * @param timeout     how long to wait in all
     * @return what happened
     * @throws IOException if the poll fails
     */
    public static Result run(InetSocketAddress server, int connections, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Client[] clients = new Client[connections];
        int correct = 0;
        int failed = 0;
        try (Poll poll = Poll.open()) {
            for (int i = 0; i < connections; i++) {
                clients[i] = new Client(TcpStream.connect(server), i);
                poll.registry().register(clients[i].stream, Token.of(i), Interest.READABLE.add(Interest.WRITABLE));
            }
            Events events = Events.withCapacity(1024);
            while (correct + failed < connections && System.nanoTime() < deadline) {
                poll.poll(events, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                for (Event event : events) {
                    Client c = clients[(int) event.token()];
                    if (c.done) {
                        continue;
                    }
                    int outcome = step(c);
                    if (outcome != 0) {
                        c.done = true;
                        c.stream.close();
                        if (outcome > 0) {
                            correct++;
                        } else {
                            failed++;
                        }
                    }
                }
            }
        } finally {
            for (Client c : clients) {
                if (c != null && !c.done) {
                    c.stream.close();
                }
            }
        }
        return new Result(connections, correct, failed, Duration.ofNanos(System.nanoTime() - start));
    }

    /** @return 1 when the reply is complete and right, -1 on failure, 0 to wait for more events */
    private static int step(Client c) {
        try {
            if (c.request.hasRemaining()) {
                IOException error = c.stream.takeError();
                if (error != null) {
                    return -1;   // e.g. ECONNREFUSED
                }
                c.stream.write(c.request);
            }
            int n;
            while ((n = c.stream.read(c.reply)) > 0) {
                // keep reading until would-block or the reply is complete
            }
            if (!c.reply.hasRemaining()) {
                return Arrays.equals(c.reply.array(), c.request.array()) ? 1 : -1;
            }
            return n < 0 ? -1 : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * @param args {@code [host [port [connections]]]}, default 127.0.0.1, 9002, 1000
     * @throws IOException if the run fails
     */
    public static void main(String[] args) throws IOException {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9002;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Result r = run(new InetSocketAddress(host, port), connections, Duration.ofSeconds(60));
        System.out.printf("%d connections: %d correct replies, %d failed, in %d ms%n",
                r.connections(), r.correct(), r.failed(), r.elapsed().toMillis());
        if (r.correct() != r.connections()) {
            System.exit(1);
        }
    }
}
