package io.jmio.bench.echo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The JDK's echo server: one {@link Selector} (epoll underneath, level-triggered), one loop thread,
 * a direct buffer per connection. One read per readable key; a write that would block switches the
 * key to {@code OP_WRITE} until the pending bytes are out, the same state machine as the level
 * servers. Two ways to get the ready keys: the {@code selectedKeys()} set and its iterator, or
 * {@link Selector#select(Consumer)} (JDK 11+), which skips the set.
 *
 * <p>The counts are what the application calls (selects, reads, writes, interest changes); the JDK's
 * own {@code epoll_ctl} calls behind them are not visible here (use the strace mode).
 *
 * <p>Threading: the loop runs on its own thread; the public methods may be called from one other.
 */
public final class JdkEchoServer implements EchoServer {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final boolean consumer;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread loop;
    private final ThreadStat stat;
    private final Consumer<SelectionKey> handler = this::handle;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private long waits;
    private long reads;
    private long writes;
    private long controls;

    JdkEchoServer(boolean consumer) throws IOException {
        this.consumer = consumer;
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        this.loop = new Thread(this::runLoop, ThreadStat.LOOP_THREAD_NAME);
        loop.setDaemon(true);
        loop.start();
        this.stat = ThreadStat.ofLoopThread();
    }

    @Override
    public long loopTid() {
        return stat.tid();
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public void sample(LoopSample sample) throws IOException {
        stat.read(sample);
        sample.waits = waits;
        sample.reads = reads;
        sample.writes = writes;
        sample.controls = controls;
        sample.allocatedBytes = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(loop.getId());
    }

    private void runLoop() {
        try {
            while (running) {
                waits++;
                if (consumer) {
                    selector.select(handler);
                } else {
                    selector.select();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        handle(key);
                    }
                }
            }
        } catch (Throwable t) {
            if (running) {
                failure = t;
                closeAll();
            }
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
                return;
            }
            SocketChannel channel = (SocketChannel) key.channel();
            ByteBuffer buffer = (ByteBuffer) key.attachment();
            if (key.isWritable()) {
                writes++;
                channel.write(buffer);
                if (!buffer.hasRemaining()) {
                    controls++;
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if (key.isReadable()) {
                buffer.clear();
                reads++;
                int n = channel.read(buffer);
                if (n < 0) {
                    key.cancel();
                    channel.close();
                    return;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    writes++;
                    if (channel.write(buffer) == 0) {
                        controls++;
                        key.interestOps(SelectionKey.OP_WRITE);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_SIZE));
        }
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing because of an earlier failure, which is what gets reported
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll();
        selector.close();
        if (failure != null) {
            throw new IOException("JDK echo server failed", failure);
        }
        if (loop.isAlive()) {
            throw new IOException("JDK echo loop did not stop within 10 s");
        }
    }
}
