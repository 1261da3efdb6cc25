package io.jmio.examples;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.completion.Message;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A UDP echo server on the completion API ({@link CompletionQueue}, io_uring on Linux), on one thread:
 * every datagram goes back to its sender. It is {@link UdpEchoServer} on completions.
 *
 * <p>A few {@link Message}s, each with a buffer of its own, take turns: each is received into
 * ({@code recvmsg}), then, with {@link Message#replyToSource()} (the sender's address as the kernel wrote
 * it, never decoded), sent back ({@code sendmsg}), then received into again. While one is being sent
 * the others receive, so a burst of datagrams does not wait for each reply. A datagram longer than a
 * buffer ({@link Message#truncated()}) is reported and dropped; a send that fails is dropped, as UDP
 * allows. The token is the message's index and whether it is receiving or sending. Steady state
 * allocates nothing.
 *
 * <pre>
 * java -cp ... io.jmio.examples.UdpCompletionEchoServer 9003   # then: nc -u 127.0.0.1 9003
 * </pre>
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class UdpCompletionEchoServer implements ExampleServer {
    /** How many datagrams can be received while others are sent back. */
    static final int MESSAGES = 8;
    private static final int DATAGRAM = 64 * 1024;
    private static final long SEND = 1L << 32;

    private final CompletionQueue queue;
    private final UdpSocket socket;
    private final Message[] messages = new Message[MESSAGES];
    private final Completions completions = new Completions(2 * MESSAGES);
    private volatile boolean stopping;
    private volatile long dropped;

    /**
     * @param address where to listen
     * @throws IOException if the queue or the socket cannot be opened (io_uring unavailable, say)
     */
    public UdpCompletionEchoServer(InetSocketAddress address) throws IOException {
        queue = CompletionQueue.open("io_uring", 2 * MESSAGES);
        try {
            socket = UdpSocket.bind(address);
            for (int m = 0; m < MESSAGES; m++) {
                messages[m] = new Message().buffer(NativeMemory.allocate(DATAGRAM));
                queue.recvmsg(socket, messages[m], m);
            }
        } catch (IOException | RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    @Override
    public void run() throws IOException {
        while (!stopping) {
            queue.reap(completions, -1);
            for (int i = 0; i < completions.size(); i++) {
                long token = completions.token(i);
                int m = (int) token;
                Message message = messages[m];
                int n = completions.result(i);
                if ((token & SEND) == 0 && n >= 0 && !message.truncated()) {
                    message.buffer().limit(n); // the bytes received, from position 0
                    message.replyToSource();
                    queue.sendmsg(socket, message, SEND | m);
                    continue;
                }
                if ((token & SEND) == 0) {
                    dropped++; // too long for the buffer, or the receive failed: nothing to send back
                    System.err.println("dropped: " + (n >= 0 ? "a datagram longer than " + DATAGRAM + " bytes"
                            : completions.errnoName(i)));
                } else if (n < 0) {
                    dropped++; // the reply could not be sent (ENOBUFS, say): UDP may lose it
                }
                message.buffer().clear();
                queue.recvmsg(socket, message, m);
            }
        }
    }

    /** @return how many datagrams were not echoed (too long, or a failed receive or send) */
    public long dropped() {
        return dropped;
    }

    @Override
    public void stop() {
        stopping = true;
        try {
            queue.wakeup();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            queue.close(); // cancels the receives in flight
        } finally {
            socket.close();
        }
    }

    /**
     * @param args {@code [port [host]]}, default 9003 on 127.0.0.1
     * @throws IOException if the server fails
     */
    public static void main(String[] args) throws IOException {
        ExampleServer.runUntilInterrupted("udp completion echo server",
                new UdpCompletionEchoServer(ExampleServer.address(args, 9003)));
    }
}
