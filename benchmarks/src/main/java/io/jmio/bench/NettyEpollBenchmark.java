package io.jmio.bench;

import io.netty.channel.epoll.EpollEventArray;
import io.netty.channel.epoll.Native;
import io.netty.channel.epoll.NettyEpollAccess;
import io.netty.channel.unix.FileDescriptor;

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
import java.util.concurrent.TimeUnit;

/**
 * The operations of {@link JmioPollBenchmark} on Netty's raw epoll calls ({@code Native.epollWait},
 * {@code epollCtlAdd/Mod/Del}, {@code eventFdWrite}, its {@code EpollEventArray}): what Netty's own
 * event loop pays below its channel pipeline. Netty keeps the fd, not a token, in {@code data}.
 *
 * <p>Threading: one JMH thread; every fixture is {@link Scope#Thread}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m"})
public class NettyEpollBenchmark {

    /** An epoll descriptor and an event array; the base of every fixture. */
    @State(Scope.Thread)
    public static class Base {
        FileDescriptor epfd;
        EpollEventArray events;

        void open() {
            NettyEpollAccess.ensureAvailable();
            epfd = Native.newEpollCreate();
            events = NettyEpollAccess.newArray(128);
        }

        void closeBase() throws IOException {
            NettyEpollAccess.free(events);
            epfd.close();
        }
    }

    /** One idle descriptor registered. */
    @State(Scope.Thread)
    public static class Quiet extends Base {
        Fds fds;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
            fds = new Fds(1);
            Native.epollCtlAdd(epfd.intValue(), fds.fds[0], Native.EPOLLIN | Native.EPOLLET);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            closeBase();
            fds.close();
        }
    }

    /** {@code idleFds} idle descriptors and one readable one, level-triggered. */
    @State(Scope.Thread)
    public static class OneActive extends Base {
        /** Idle registered descriptors besides the active one. */
        @Param({"1", "10000"})
        public int idleFds;

        Fds idle;
        Fds active;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
            idle = new Fds((idleFds + 1) / 2);
            for (int i = 0; i < idleFds; i++) {
                Native.epollCtlAdd(epfd.intValue(), idle.fds[i], Native.EPOLLIN);
            }
            active = new Fds(1);
            active.makeReadable(0);
            Native.epollCtlAdd(epfd.intValue(), active.fds[0], Native.EPOLLIN);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            closeBase();
            idle.close();
            active.close();
        }
    }

    /** An eventfd registered edge-triggered, as Netty's event loop wakes itself. */
    @State(Scope.Thread)
    public static class Wake extends Base {
        FileDescriptor eventfd;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
            eventfd = Native.newEventFd();
            Native.epollCtlAdd(epfd.intValue(), eventfd.intValue(), Native.EPOLLIN | Native.EPOLLET);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            closeBase();
            eventfd.close();
        }
    }

    /** One descriptor to register, modify and deregister. */
    @State(Scope.Thread)
    public static class Registration extends Base {
        Fds fds;
        boolean flip;
        boolean registered;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
            fds = new Fds(1);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            closeBase();
            fds.close();
        }
    }

    /** 64 readable descriptors, level-triggered. */
    @State(Scope.Thread)
    public static class SixtyFour extends Base {
        Fds fds;
        long expected;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
            fds = new Fds(64);
            for (int i = 0; i < 64; i++) {
                fds.makeReadable(i);
                Native.epollCtlAdd(epfd.intValue(), fds.fds[2 * i], Native.EPOLLIN);
                expected += fds.fds[2 * i];
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            closeBase();
            fds.close();
        }
    }

    /** {@code epoll_wait} with a zero timeout and nothing ready. */
    @Benchmark
    public int pollNothingReady(Quiet s) throws IOException {
        int n = NettyEpollAccess.epollWait(s.epfd, s.events, 0);
        if (n != 0) {
            throw new IllegalStateException("expected no event, got " + n);
        }
        return n;
    }

    /** A zero-timeout wait that returns the one ready descriptor, among {@code idleFds} idle ones. */
    @Benchmark
    public int pollOneReady(OneActive s) throws IOException {
        int n = NettyEpollAccess.epollWait(s.epfd, s.events, 0);
        if (n != 1) {
            throw new IllegalStateException("expected one event, got " + n);
        }
        return NettyEpollAccess.fd(s.events, 0);
    }

    /** eventfd write, then a wait that returns its event. */
    @Benchmark
    public int wakeRoundTrip(Wake s) throws IOException {
        Native.eventFdWrite(s.eventfd.intValue(), 1L);
        int n = NettyEpollAccess.epollWait(s.epfd, s.events, -1);
        if (n != 1) {
            throw new IllegalStateException("expected the eventfd's event, got " + n);
        }
        return NettyEpollAccess.fd(s.events, 0);
    }

    /** {@code EPOLL_CTL_ADD}, then {@code EPOLL_CTL_DEL}. */
    @Benchmark
    public void registerDeregister(Registration s) throws IOException {
        Native.epollCtlAdd(s.epfd.intValue(), s.fds.fds[0], Native.EPOLLIN | Native.EPOLLET);
        Native.epollCtlDel(s.epfd.intValue(), s.fds.fds[0]);
    }

    /** {@code EPOLL_CTL_MOD} between readable and readable-and-writable. */
    @Benchmark
    public void reregister(Registration s) throws IOException {
        if (!s.registered) {
            s.registered = true;
            Native.epollCtlAdd(s.epfd.intValue(), s.fds.fds[0], Native.EPOLLIN | Native.EPOLLET);
        }
        s.flip = !s.flip;
        Native.epollCtlMod(s.epfd.intValue(), s.fds.fds[0],
                s.flip ? Native.EPOLLIN | Native.EPOLLET : Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLET);
    }

    /** A zero-timeout wait returning 64 events, and a pass over them reading fd and flags. */
    @Benchmark
    public long iterateEvents(SixtyFour s) throws IOException {
        int n = NettyEpollAccess.epollWait(s.epfd, s.events, 0);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (NettyEpollAccess.events(s.events, i) & Native.EPOLLIN) != 0 ? NettyEpollAccess.fd(s.events, i) : 0;
        }
        if (sum != s.expected) {
            throw new IllegalStateException("expected 64 readable events, fd sum " + s.expected + ", got " + sum);
        }
        return sum;
    }
}
