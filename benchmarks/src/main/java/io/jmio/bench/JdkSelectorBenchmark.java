package io.jmio.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The operations of {@link JmioPollBenchmark} on the JDK's {@link Selector} (epoll on Linux). The JDK
 * registers channels, not raw descriptors: pipes where a readable source is enough, loopback TCP
 * pairs where both ends must be registered for reading (10,000 idle descriptors).
 *
 * <p>Two operations differ in what they can measure: the JDK applies interest changes and
 * cancellations lazily, at the next select, so {@code registerDeregister} and {@code reregister}
 * include a {@code selectNow()} that performs the deferred {@code epoll_ctl}s.
 *
 * <p>Threading: one JMH thread; every fixture is {@link Scope#Thread}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m"})
public class JdkSelectorBenchmark {

    static Pipe readablePipe() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));
        return pipe;
    }

    static void close(Pipe pipe) throws IOException {
        pipe.source().close();
        pipe.sink().close();
    }

    /** A selector with one idle channel registered. */
    @State(Scope.Thread)
    public static class Quiet {
        Selector selector;
        Pipe pipe;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open();
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            close(pipe);
        }
    }

    /** {@code idleFds} idle channels (ends of loopback TCP pairs) and one readable pipe. */
    @State(Scope.Thread)
    public static class OneActive {
        /** Idle registered descriptors besides the active one. */
        @Param({"1", "10000"})
        public int idleFds;

        Selector selector;
        List<SocketChannel> idle = new ArrayList<>();
        Pipe active;
        SelectionKey activeKey;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open();
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
                while (idle.size() < idleFds) {
                    SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel accepted = listener.accept();
                    idle.add(client);
                    idle.add(accepted);
                }
            }
            for (int i = 0; i < idleFds; i++) {
                idle.get(i).configureBlocking(false);
                idle.get(i).register(selector, SelectionKey.OP_READ);
            }
            active = readablePipe();
            activeKey = active.source().register(selector, SelectionKey.OP_READ);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            for (SocketChannel c : idle) {
                c.close();
            }
            close(active);
        }
    }

    /** A selector to wake. */
    @State(Scope.Thread)
    public static class Wake {
        Selector selector;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
        }
    }

    /** A selector and a loopback TCP pair, one end to register. */
    @State(Scope.Thread)
    public static class Registration {
        Selector selector;
        SocketChannel channel;
        SocketChannel peer;
        SelectionKey key;
        boolean flip;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open();
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                channel = SocketChannel.open(listener.getLocalAddress());
                peer = listener.accept();
            }
            channel.configureBlocking(false);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            channel.close();
            peer.close();
        }
    }

    /** 64 readable pipes. */
    @State(Scope.Thread)
    public static class SixtyFour {
        Selector selector;
        List<Pipe> pipes = new ArrayList<>();
        long expected;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open();
            for (int i = 0; i < 64; i++) {
                Pipe pipe = readablePipe();
                pipes.add(pipe);
                pipe.source().register(selector, SelectionKey.OP_READ, (long) (100 + i));
                expected += 100 + i;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            for (Pipe pipe : pipes) {
                close(pipe);
            }
        }
    }

    /** {@code selectNow()} with nothing ready. */
    @Benchmark
    public int pollNothingReady(Quiet s) throws IOException {
        int n = s.selector.selectNow();
        if (n != 0) {
            throw new IllegalStateException("expected no key, got " + n);
        }
        return n;
    }

    /** {@code selectNow()} returning the one ready channel among {@code idleFds} idle ones. */
    @Benchmark
    public int pollOneReady(OneActive s) throws IOException {
        int n = s.selector.selectNow();
        Set<SelectionKey> keys = s.selector.selectedKeys();
        if (n != 1 || !keys.contains(s.activeKey)) {
            throw new IllegalStateException("expected the active key, got " + n + " " + keys);
        }
        keys.clear();
        return n;
    }

    /** {@code wakeup()}, then a {@code select()} that returns at once. */
    @Benchmark
    public int wakeRoundTrip(Wake s) throws IOException {
        s.selector.wakeup();
        return s.selector.select();
    }

    /** Register, cancel, and the {@code selectNow()} that completes the cancellation. */
    @Benchmark
    public int registerDeregister(Registration s) throws IOException {
        SelectionKey key = s.channel.register(s.selector, SelectionKey.OP_READ);
        key.cancel();
        return s.selector.selectNow();
    }

    /** Change the interest set, and the {@code selectNow()} that applies it. */
    @Benchmark
    public int reregister(Registration s) throws IOException {
        if (s.key == null) {
            s.key = s.channel.register(s.selector, SelectionKey.OP_READ);
        }
        s.flip = !s.flip;
        s.key.interestOps(s.flip ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        int n = s.selector.selectNow();
        s.selector.selectedKeys().clear();
        return n;
    }

    /** {@code selectNow()} returning 64 keys, and a pass over them reading attachment and readiness. */
    @Benchmark
    public long iterateEvents(SixtyFour s) throws IOException {
        s.selector.selectNow();
        Set<SelectionKey> keys = s.selector.selectedKeys();
        long sum = 0;
        for (SelectionKey key : keys) {
            sum += key.isReadable() ? (Long) key.attachment() : 0;
        }
        keys.clear();
        if (sum != s.expected) {
            throw new IllegalStateException("expected 64 readable keys, sum " + s.expected + ", got " + sum);
        }
        return sum;
    }
}
