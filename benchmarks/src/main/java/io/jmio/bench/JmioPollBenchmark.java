package io.jmio.bench;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;

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
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * jmio's per-operation costs: polls, wakes, registrations and event iteration on the epoll backend.
 * {@link JdkSelectorBenchmark} and {@link NettyEpollBenchmark} measure the same operations under the
 * same method names. Each benchmark checks its result (e.g. that a poll saw exactly one event) and
 * throws if it is wrong, so a broken fixture fails instead of timing nothing.
 *
 * <p>Threading: one JMH thread; every fixture is {@link Scope#Thread}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class JmioPollBenchmark {

    /** A poll with one idle descriptor registered. */
    @State(Scope.Thread)
    public static class Quiet {
        Poll poll;
        Events events = Events.withCapacity(64);
        Fds fds;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            poll = Poll.open();
            fds = new Fds(1);
            poll.registry().register(new SourceFd(fds.fds[0]), Token.of(1), Interest.READABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            poll.close();
            fds.close();
        }
    }

    /** A poll with {@code idleFds} idle descriptors and one readable one, level-triggered. */
    @State(Scope.Thread)
    public static class OneActive {
        /** Idle registered descriptors besides the active one. */
        @Param({"1", "10000"})
        public int idleFds;

        Poll poll;
        Events events = Events.withCapacity(64);
        Fds idle;
        Fds active;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            poll = Poll.open();
            idle = new Fds((idleFds + 1) / 2);
            for (int i = 0; i < idleFds; i++) {
                poll.registry().register(new SourceFd(idle.fds[i]), Token.of(1000 + i), Interest.READABLE, Trigger.LEVEL);
            }
            active = new Fds(1);
            active.makeReadable(0);
            poll.registry().register(new SourceFd(active.fds[0]), Token.of(7), Interest.READABLE, Trigger.LEVEL);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            poll.close();
            idle.close();
            active.close();
        }
    }

    /** A poll with a waker. */
    @State(Scope.Thread)
    public static class Wake {
        Poll poll;
        Events events = Events.withCapacity(64);
        Waker waker;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            poll = Poll.open();
            waker = new Waker(poll.registry(), Token.of(9));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            waker.close();
            poll.close();
        }
    }

    /** A poll and one descriptor to register, reregister and deregister. */
    @State(Scope.Thread)
    public static class Registration {
        Poll poll;
        Fds fds;
        SourceFd source;
        Token token = Token.of(3);
        Interest both = Interest.READABLE.add(Interest.WRITABLE);
        boolean flip;
        boolean registered;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            poll = Poll.open();
            fds = new Fds(1);
            source = new SourceFd(fds.fds[0]);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            poll.close();
            fds.close();
        }
    }

    /** A poll with 64 readable descriptors, level-triggered: every poll returns 64 events. */
    @State(Scope.Thread)
    public static class SixtyFour {
        static final int N = 64;
        Poll poll;
        Events events = Events.withCapacity(128);
        Fds fds;
        long expected;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            poll = Poll.open();
            fds = new Fds(N);
            for (int i = 0; i < N; i++) {
                fds.makeReadable(i);
                poll.registry().register(new SourceFd(fds.fds[2 * i]), Token.of(100 + i), Interest.READABLE, Trigger.LEVEL);
                expected += 100 + i;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            poll.close();
            fds.close();
        }
    }

    /** {@code epoll_wait} with a zero timeout and nothing ready. */
    @Benchmark
    public int pollNothingReady(Quiet s) throws IOException {
        int n = s.poll.poll(s.events, Duration.ZERO);
        if (n != 0) {
            throw new IllegalStateException("expected no event, got " + n);
        }
        return n;
    }

    /** A zero-timeout poll that returns the one ready descriptor, among {@code idleFds} idle ones. */
    @Benchmark
    public long pollOneReady(OneActive s) throws IOException {
        int n = s.poll.poll(s.events, Duration.ZERO);
        if (n != 1) {
            throw new IllegalStateException("expected one event, got " + n);
        }
        return s.events.get(0).token();
    }

    /** Wake, then a poll that returns the waker's event. */
    @Benchmark
    public long wakeRoundTrip(Wake s) throws IOException {
        s.waker.wake();
        int n = s.poll.poll(s.events, null);
        if (n != 1) {
            throw new IllegalStateException("expected the waker's event, got " + n);
        }
        return s.events.get(0).token();
    }

    /** Register a descriptor, then deregister it. */
    @Benchmark
    public void registerDeregister(Registration s) throws IOException {
        s.poll.registry().register(s.source, s.token, Interest.READABLE);
        s.poll.registry().deregister(s.source);
    }

    /** Change a registration's interest (readable / readable and writable, alternately). */
    @Benchmark
    public void reregister(Registration s) throws IOException {
        if (!s.registered) {
            s.registered = true;
            s.poll.registry().register(s.source, s.token, Interest.READABLE);
        }
        s.poll.registry().reregister(s.source, s.token, (s.flip = !s.flip) ? Interest.READABLE : s.both);
    }

    /** A zero-timeout poll returning 64 events, and a pass over them reading token and readiness. */
    @Benchmark
    public long iterateEvents(SixtyFour s) throws IOException {
        s.poll.poll(s.events, Duration.ZERO);
        long sum = 0;
        for (Event event : s.events) {
            sum += event.isReadable() ? event.token() : 0;
        }
        if (sum != s.expected) {
            throw new IllegalStateException("expected 64 readable events, token sum " + s.expected + ", got " + sum);
        }
        return sum;
    }
}
