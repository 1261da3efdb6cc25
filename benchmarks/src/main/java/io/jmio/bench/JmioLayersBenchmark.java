package io.jmio.bench;

import io.jmio.poll.Trigger;
import io.jmio.poll.Interest;
import io.jmio.poll.epoll.EpollLayers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Where jmio's "poll with nothing ready" time goes, layer by layer (the top layer,
 * {@code Poll.poll}, is {@link JmioPollBenchmark#pollNothingReady}; the bottom line to beat is
 * {@link NettyEpollBenchmark#pollNothingReady}, Netty's JNI call):
 * {@code jnrEpollWait} the bare jnr-ffi call, {@code epollNativeWait} plus the facade's result
 * check, {@code selectorSelect} plus the SPI {@code Selector}'s life-cycle guard and wake flag.
 *
 * <p>Threading: one JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class JmioLayersBenchmark {
    private EpollLayers layers;
    private Fds fds;

    /** Opens the selector with one idle descriptor registered, as the other poll benchmarks. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        layers = new EpollLayers();
        fds = new Fds(1);
        layers.selector().register(fds.fds[0], 1, Interest.READABLE_BIT, Trigger.EDGE);
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        layers.close();
        fds.close();
    }

    /** The bare jnr-ffi call. */
    @Benchmark
    public int jnrEpollWait() {
        int n = layers.jnrWaitNow();
        if (n != 0) {
            throw new IllegalStateException("expected no event, got " + n);
        }
        return n;
    }

    /** jnr-ffi call and the facade's result check. */
    @Benchmark
    public int epollNativeWait() throws IOException {
        int n = layers.nativeWaitNow();
        if (n != 0) {
            throw new IllegalStateException("expected no event, got " + n);
        }
        return n;
    }

    /** The SPI selector's select: life-cycle guard, wake flag, facade, jnr-ffi. */
    @Benchmark
    public int selectorSelect() throws IOException {
        int n = layers.selector().select(layers.events(), 0);
        if (n != 0) {
            throw new IllegalStateException("expected no event, got " + n);
        }
        return n;
    }
}
