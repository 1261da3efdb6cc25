package io.jmio.bench.echo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The {@code examples} module's {@link io.jmio.examples.EchoServer}, unchanged, run on a thread named
 * {@value ThreadStat#LOOP_THREAD_NAME} (server name {@code jmio-example}): what a user who copies
 * the example gets. It counts no system calls (those columns stay unknown); CPU and allocation come
 * from the thread as for every Java server.
 *
 * <p>Threading: the loop runs on its own thread; the public methods may be called from one other thread.
 */
public final class ExampleEchoServer implements EchoServer {
    private final io.jmio.examples.EchoServer server;
    private final Thread loop;
    private final ThreadStat stat;
    private volatile Throwable failure;

    ExampleEchoServer() throws IOException {
        server = new io.jmio.examples.EchoServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        loop = new Thread(() -> {
            try {
                server.run();
            } catch (Throwable t) {
                failure = t;
            }
        }, ThreadStat.LOOP_THREAD_NAME);
        loop.setDaemon(true);
        loop.start();
        stat = ThreadStat.ofLoopThread();
    }

    @Override
    public long loopTid() {
        return stat.tid();
    }

    @Override
    public int port() {
        try {
            return server.localAddress().getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the example's listener has no address", e);
        }
    }

    @Override
    public void sample(LoopSample sample) throws IOException {
        stat.read(sample);
        sample.allocatedBytes = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(loop.getId());
    }

    @Override
    public void close() throws IOException {
        server.stop();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (failure != null) {
            throw new IOException("the examples' echo server failed", failure);
        }
        if (loop.isAlive()) {
            throw new IOException("the examples' echo loop did not stop within 10 s");
        }
    }
}
