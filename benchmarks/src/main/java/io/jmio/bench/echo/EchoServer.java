package io.jmio.bench.echo;

import java.io.IOException;

/**
 * A loopback TCP echo server that runs its event loop on one thread, as the echo benchmark measures
 * it: every byte a connection sends comes back on that connection.
 *
 * <p>Implementations: {@link JmioEchoServer} (edge, edge with drain detection, level, oneshot; on epoll, and as {@code uring-*} on
 * the io_uring readiness backend), {@link CompletionEchoServer} (the completion API on io_uring,
 * {@code uring-completion}; {@code uring-completion-bufring} with multishot receives from a buffer ring), {@link JdkEchoServer} (the JDK
 * {@code Selector}, two ways of iterating), {@link ExampleEchoServer} (the {@code examples} module's
 * echo server), {@link NettyEchoServer} (Netty 4.1's native epoll transport,
 * edge and level), {@link NettyUringEchoServer} (Netty 4.2's io_uring transport, in a JVM of its own) and {@link CEchoServer} (a C program, edge and level). {@link #open(String)} starts
 * one by the name the benchmark's {@code server} parameter uses.
 *
 * <p>Threading: {@link #port()}, {@link #sample(LoopSample)} and {@link #close()} may be called from
 * any one thread while the server's own thread runs the loop.
 */
public interface EchoServer extends AutoCloseable {
    /** The names {@link #open(String)} accepts, in the order reports list them. */
    String[] NAMES = {"jmio-edge", "jmio-level", "jmio-oneshot", "c-edge", "c-level", "netty-edge", "netty-level",
        "jdk-keys", "jdk-consumer", "jmio-example", "uring-edge", "uring-level", "uring-oneshot",
        "jmio-edge-drain", "uring-completion", "netty-uring", "netty-uring-bufring",
        "uring-completion-bufring"};

    /**
     * Starts the server named {@code name}, listening on an ephemeral loopback port.
     *
     * @param name one of {@link #NAMES}
     * @return the running server
     * @throws IOException if it cannot start (for the C server: also when gcc is missing)
     */
    static EchoServer open(String name) throws IOException {
        switch (name) {
            case "jmio-edge":
                return new JmioEchoServer(JmioEchoServer.Mode.EDGE);
            case "jmio-edge-drain":
                return new JmioEchoServer(JmioEchoServer.Mode.EDGE_DRAIN);
            case "jmio-level":
                return new JmioEchoServer(JmioEchoServer.Mode.LEVEL);
            case "jmio-oneshot":
                return new JmioEchoServer(JmioEchoServer.Mode.ONESHOT);
            case "uring-edge":
                return new JmioEchoServer(JmioEchoServer.Mode.EDGE, "io_uring");
            case "uring-level":
                return new JmioEchoServer(JmioEchoServer.Mode.LEVEL, "io_uring");
            case "uring-oneshot":
                return new JmioEchoServer(JmioEchoServer.Mode.ONESHOT, "io_uring");
            case "uring-completion":
                return new CompletionEchoServer();
            case "uring-completion-bufring":
                return CompletionEchoServer.withBufferRing();
            case "jdk-keys":
                return new JdkEchoServer(false);
            case "jdk-consumer":
                return new JdkEchoServer(true);
            case "netty-edge":
                return new NettyEchoServer(true);
            case "netty-level":
                return new NettyEchoServer(false);
            case "netty-uring":
                return NettyUringEchoServer.start(false);
            case "netty-uring-bufring":
                return NettyUringEchoServer.start(true);
            case "c-edge":
                return CEchoServer.start(true);
            case "c-level":
                return CEchoServer.start(false);
            case "jmio-example":
                return new ExampleEchoServer();
            default:
                throw new IllegalArgumentException("unknown echo server '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    /** @return the kernel thread id of the event loop (the process id for the C server), for strace */
    long loopTid();

    /** @return the loopback port the server listens on */
    int port();

    /**
     * Fills {@code sample} with the loop thread's CPU time and the server's own counts so far.
     *
     * @param sample where to put the numbers
     * @throws IOException if {@code /proc} cannot be read
     */
    void sample(LoopSample sample) throws IOException;

    /**
     * Stops the loop and closes every socket.
     *
     * @throws IOException if the loop failed while serving (the failure is the cause) or cannot stop
     */
    @Override
    void close() throws IOException;
}
