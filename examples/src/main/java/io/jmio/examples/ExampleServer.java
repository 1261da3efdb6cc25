package io.jmio.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the example servers share: an event loop run on the calling thread until {@link #stop()} (from
 * any thread) wakes it, and a {@code main} helper that stops it cleanly on Ctrl-C.
 *
 * <p>Threading: {@link #run()} on one thread; {@link #stop()} from any thread.
 */
public interface ExampleServer extends AutoCloseable {
    /** @return the address the server listens on (the real port when started on port 0) */
    InetSocketAddress localAddress() throws IOException;

    /**
     * Runs the event loop until {@link #stop()}.
     *
     * @throws IOException if the loop fails
     */
    void run() throws IOException;

    /** Asks the loop to finish; returns at once. */
    void stop();

    @Override
    void close() throws IOException;

    /**
     * Parses {@code [port [host]]}, defaulting to {@code defaultPort} on 127.0.0.1.
     *
     * @param args        the command line
     * @param defaultPort the port without an argument
     * @return the address to bind
     * @throws UnknownHostException if the host does not resolve
     */
    static InetSocketAddress address(String[] args, int defaultPort) throws UnknownHostException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : defaultPort;
        InetAddress host = InetAddress.getByName(args.length > 1 ? args[1] : "127.0.0.1");
        return new InetSocketAddress(host, port);
    }

    /**
     * Runs {@code server} on this thread until the JVM is asked to exit (Ctrl-C, SIGTERM), then stops
     * the loop, closes the server and prints {@code "<name> stopped"}.
     *
     * @param name   the server's name, for the messages
     * @param server the server
     * @throws IOException if the loop fails
     */
    static void runUntilInterrupted(String name, ExampleServer server) throws IOException {
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            try {
                if (finished.await(5, TimeUnit.SECONDS)) {
                    System.out.println(name + " stopped");
                    System.out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
        System.out.println(name + " listening on " + server.localAddress().getAddress().getHostAddress()
                + ":" + server.localAddress().getPort());
        System.out.flush();
        try {
            server.run();
        } finally {
            server.close();
            finished.countDown();
        }
    }
}
