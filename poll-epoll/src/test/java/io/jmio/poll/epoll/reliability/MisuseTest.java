package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.Waker;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.unix.Pipe;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Every misuse of every public method we could think of, in one table: each row names the misuse,
 * the exception type it must raise and a fragment its message must contain; after each one the
 * {@link Poll} involved must still register, poll and report events as before.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MisuseTest {
    /** A misuse, run against a fresh fixture. */
    interface Misuse {
        void run(Fixture f) throws Exception;
    }

    /** One row of the table. */
    record Row(String what, Class<? extends Throwable> type, String message, boolean closesPoll, Misuse misuse) {
    }

    private static final List<Row> ROWS = new ArrayList<>();
    private static int ran;

    private static void row(String what, Class<? extends Throwable> type, String message, Misuse misuse) {
        ROWS.add(new Row(what, type, message, false, misuse));
    }

    private static void closedPollRow(String what, Class<? extends Throwable> type, String message, Misuse misuse) {
        ROWS.add(new Row(what, type, message, true, misuse));
    }

    private static final Class<NullPointerException> NPE = NullPointerException.class;
    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<SyscallException> SYS = SyscallException.class;
    /** Socket calls fail with the JDK's socket exceptions (each a {@link io.jmio.poll.SyscallFailure}). */
    private static final Class<java.net.SocketException> SOCK = java.net.SocketException.class;
    private static final Class<java.net.BindException> BIND = java.net.BindException.class;
    private static final Class<java.net.ConnectException> CONNECT = java.net.ConnectException.class;
    private static final Class<ClosedPollException> CLOSED_POLL = ClosedPollException.class;
    private static final Class<ClosedChannelException> CLOSED = ClosedChannelException.class;
    private static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;
    private static final Class<UnsupportedOperationException> UNSUPPORTED = UnsupportedOperationException.class;

    static {
        // Poll
        row("Poll.open(null name)", NPE, "backendName", f -> Poll.open((String) null));
        row("Poll.open(unknown backend)", java.io.IOException.class, "no jmio backend named 'nope'", f -> Poll.open("nope"));
        row("Poll.open(null backend)", NPE, "backend", f -> Poll.open((io.jmio.poll.spi.PollBackend) null));
        row("poll(null events)", NPE, "events", f -> f.poll.poll(null, Duration.ZERO));
        row("poll(negative timeout)", IAE, "must not be negative", f -> f.poll.poll(f.events, Duration.ofNanos(-1)));
        row("poll(hugely negative timeout)", IAE, "must not be negative",
                f -> f.poll.poll(f.events, Duration.ofSeconds(Long.MIN_VALUE)));
        closedPollRow("poll() on a closed Poll", CLOSED_POLL, "closed Poll", f -> {
            f.poll.close();
            f.poll.poll(f.events, Duration.ZERO);
        });
        // Events
        row("Events.withCapacity(0)", IAE, "between 1 and 1048576, got 0", f -> Events.withCapacity(0));
        row("Events.withCapacity(-1)", IAE, "got -1", f -> Events.withCapacity(-1));
        row("Events.withCapacity(2^20 + 1)", IAE, "got 1048577", f -> Events.withCapacity((1 << 20) + 1));
        row("Events.withCapacity(MAX_VALUE)", IAE, "got 2147483647", f -> Events.withCapacity(Integer.MAX_VALUE));
        row("Events.get(-1)", IOOBE, "event -1 of 0", f -> f.events.get(-1));
        row("Events.get(size)", IOOBE, "event 0 of 0", f -> f.events.get(0));
        row("Events iterator past the end", java.util.NoSuchElementException.class, null, f -> f.events.iterator().next());
        // Interest and Token
        row("Interest.ofBits(0)", IAE, "invalid interest bits 0x0", f -> Interest.ofBits(0));
        row("Interest.ofBits(-1)", IAE, "invalid interest bits 0xffffffff", f -> Interest.ofBits(-1));
        row("Interest.ofBits(unknown bit)", IAE, "invalid interest bits 0x20", f -> Interest.ofBits(1 << 5));
        row("Interest.add(null)", NPE, "other", f -> Interest.READABLE.add(null));
        row("Interest.remove(null)", NPE, "other", f -> Interest.READABLE.remove(null));
        row("register with AIO interest on epoll", UNSUPPORTED, "AIO",
                f -> f.registry.register(f.pipe().receiver(), Token.of(1), Interest.AIO));
        row("register with LIO interest on epoll", UNSUPPORTED, "LIO",
                f -> f.registry.register(f.pipe().receiver(), Token.of(1), Interest.LIO));
        // SourceFd
        row("new SourceFd(-1)", IAE, "invalid file descriptor -1", f -> new SourceFd(-1));
        row("register a descriptor that is not open", SYS, "EBADF",
                f -> f.registry.register(new SourceFd(f.unusedFd()), Token.of(1), Interest.READABLE));
        row("register a regular file", SYS, "EPERM",
                f -> f.registry.register(new SourceFd(f.regularFileFd()), Token.of(1), Interest.READABLE));
        // Registry
        row("register(null source)", NPE, "source", f -> f.registry.register(null, Token.of(1), Interest.READABLE));
        row("register(null token)", NPE, "token", f -> f.registry.register(f.pipe().receiver(), null, Interest.READABLE));
        row("register(null interest)", NPE, "interests", f -> f.registry.register(f.pipe().receiver(), Token.of(1), null));
        row("register(null trigger)", NPE, "trigger",
                f -> f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE, null));
        row("reregister(null source)", NPE, "source", f -> f.registry.reregister(null, Token.of(1), Interest.READABLE));
        row("reregister(null token)", NPE, "token", f -> f.registry.reregister(f.pipe().receiver(), null, Interest.READABLE));
        row("reregister(null interest)", NPE, "interests", f -> f.registry.reregister(f.pipe().receiver(), Token.of(1), null));
        row("deregister(null)", NPE, "source", f -> f.registry.deregister(null));
        row("register twice", SYS, "EEXIST", f -> {
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
            f.registry.register(f.pipe().receiver(), Token.of(2), Interest.READABLE);
        });
        row("reregister an unregistered source", SYS, "ENOENT",
                f -> f.registry.reregister(f.pipe().receiver(), Token.of(1), Interest.READABLE));
        row("deregister an unregistered source", SYS, "ENOENT", f -> f.registry.deregister(f.pipe().receiver()));
        row("deregister twice", SYS, "ENOENT", f -> {
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
            f.registry.deregister(f.pipe().receiver());
            f.registry.deregister(f.pipe().receiver());
        });
        row("reregister through another Poll's registry", SYS, "ENOENT", f -> {
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
            f.other().registry().reregister(f.pipe().receiver(), Token.of(2), Interest.READABLE);
        });
        row("deregister through another Poll's registry", SYS, "ENOENT", f -> {
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
            f.other().registry().deregister(f.pipe().receiver());
        });
        row("register a closed TcpStream", CLOSED, "used after close()", f -> {
            TcpStream s = f.tcp()[0];
            s.close();
            f.registry.register(s, Token.of(1), Interest.READABLE);
        });
        row("register a Source whose register throws", ISE, "device gone", f -> f.registry.register(new Source() {
            @Override
            public void register(Registry r, Token t, Interest i, Trigger m) {
                throw new IllegalStateException("device gone");
            }

            @Override
            public void reregister(Registry r, Token t, Interest i, Trigger m) {
                throw new IllegalStateException("device gone");
            }

            @Override
            public void deregister(Registry r) {
                throw new IllegalStateException("device gone");
            }
        }, Token.of(1), Interest.READABLE));
        closedPollRow("register with a closed Poll", CLOSED_POLL, "closed Poll", f -> {
            f.poll.close();
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
        });
        closedPollRow("deregister with a closed Poll", CLOSED_POLL, "closed Poll", f -> {
            f.registry.register(f.pipe().receiver(), Token.of(1), Interest.READABLE);
            f.poll.close();
            f.registry.deregister(f.pipe().receiver());
        });
        closedPollRow("tryClone of a closed Poll's registry", CLOSED_POLL, "closed Poll", f -> {
            f.poll.close();
            f.registry.tryClone();
        });
        // Waker
        row("new Waker(null registry)", NPE, "registry", f -> new Waker(null, Token.of(1)));
        row("new Waker(null token)", NPE, "token", f -> new Waker(f.registry, null));
        row("a second Waker", ISE, "already has a Waker", f -> {
            f.waker = new Waker(f.registry, Token.of(1));
            new Waker(f.registry, Token.of(2));
        });
        row("wake() on a closed Waker", ISE, "closed Waker", f -> {
            Waker w = new Waker(f.registry, Token.of(1));
            w.close();
            w.wake();
        });
        closedPollRow("new Waker on a closed Poll", CLOSED_POLL, "closed Poll", f -> {
            f.poll.close();
            new Waker(f.registry, Token.of(1));
        });
        closedPollRow("wake() after its Poll closed", CLOSED_POLL, "closed", f -> {
            Waker w = new Waker(f.registry, Token.of(1));
            f.poll.close();
            w.wake();
        });
        // TcpListener
        row("TcpListener.bind(null)", NPE, "address", f -> TcpListener.bind(null));
        row("TcpListener.bind(unresolved)", IAE, "unresolved",
                f -> TcpListener.bind(InetSocketAddress.createUnresolved("localhost", 0)));
        row("TcpListener.bind(address not on this host)", BIND, "EADDRNOTAVAIL",
                f -> TcpListener.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0)));
        row("TcpListener.bind(port in use)", BIND, "EADDRINUSE", f -> TcpListener.bind(f.listener().localAddress()));
        row("TcpListener.accept() after close", CLOSED, "used after close()", f -> {
            f.listener().close();
            f.listener().accept();
        });
        row("TcpListener.setTtl(256)", IAE, "ttl 256", f -> f.listener().setTtl(256));
        row("TcpListener.setTtl(-1)", IAE, "ttl -1", f -> f.listener().setTtl(-1));
        // TcpStream
        row("TcpStream.connect(null)", NPE, "address", f -> TcpStream.connect(null));
        row("TcpStream.connect(unresolved)", IAE, "unresolved",
                f -> TcpStream.connect(InetSocketAddress.createUnresolved("localhost", 80)));
        row("TcpStream.read(null)", NPE, "\"dst\" is null", f -> f.tcp()[0].read((ByteBuffer) null));
        row("TcpStream.read(read-only buffer)", ReadOnlyBufferException.class, null,
                f -> f.tcp()[0].read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        row("TcpStream.write(null)", NPE, "\"src\" is null", f -> f.tcp()[0].write((ByteBuffer) null));
        row("TcpStream.read(buffers, bad offset)", IOOBE, "Range [1, 1 + 5) out of bounds for length 2", f -> f.tcp()[0].read(new ByteBuffer[2], 1, 5));
        row("TcpStream.write(buffers, negative length)", IOOBE, "out of bounds for length 2", f -> f.tcp()[0].write(new ByteBuffer[2], 0, -1));
        row("TcpStream.write(buffers with a null)", NPE, "buffer 1 of the array is null",
                f -> f.tcp()[0].write(new ByteBuffer[] {ByteBuffer.allocate(1), null}));
        row("TcpStream.shutdown(null)", NPE, "how", f -> f.tcp()[0].shutdown(null));
        row("TcpStream.setLinger(negative)", IAE, "negative", f -> f.tcp()[0].setLinger(Duration.ofSeconds(-1)));
        row("TcpStream.setLinger(huge)", IAE, "too long", f -> f.tcp()[0].setLinger(Duration.ofDays(365 * 100)));
        row("TcpStream.setSendBufferSize(0)", IAE, "not positive", f -> f.tcp()[0].setSendBufferSize(0));
        row("TcpStream.setReceiveBufferSize(-5)", IAE, "not positive", f -> f.tcp()[0].setReceiveBufferSize(-5));
        row("TcpStream.setTtl(1000)", IAE, "ttl 1000", f -> f.tcp()[0].setTtl(1000));
        row("TcpStream.write after close", CLOSED, "used after close()", f -> {
            f.tcp()[0].close();
            f.tcp()[0].write(ByteBuffer.allocate(1));
        });
        row("TcpStream.read after close", CLOSED, "used after close()", f -> {
            f.tcp()[0].close();
            f.tcp()[0].read(ByteBuffer.allocate(1));
        });
        row("TcpStream.peerAddress while unconnected peer refused", SOCK, "ENOTCONN", f -> {
            TcpStream s = f.track(TcpStream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), f.closedPort())));
            f.registry.register(s, Token.of(5), Interest.WRITABLE);
            Expect.events(f.poll, f.events, Expect.writable(5));
            f.registry.deregister(s);
            s.peerAddress();
        });
        // UdpSocket
        row("UdpSocket.bind(null)", NPE, "address", f -> UdpSocket.bind(null));
        row("UdpSocket.sendTo(null target)", NPE, "address", f -> f.udp().sendTo(ByteBuffer.allocate(1), null));
        row("UdpSocket.sendTo(null buffer)", NPE, "\"src\" is null", f -> f.udp().sendTo(null, f.udp().localAddress()));
        row("UdpSocket.sendTo(unresolved)", IAE, "unresolved",
                f -> f.udp().sendTo(ByteBuffer.allocate(1), InetSocketAddress.createUnresolved("localhost", 9)));
        row("UdpSocket.sendTo(oversized heap datagram)", IAE, "limited to",
                f -> f.udp().sendTo(ByteBuffer.allocate(70_000), f.udp().localAddress()));
        row("UdpSocket.sendTo(oversized direct datagram)", SOCK, "EMSGSIZE",
                f -> f.udp().sendTo(ByteBuffer.allocateDirect(70_000), f.udp().localAddress()));
        row("UdpSocket.sendTo(IPv6 target from an IPv4 socket)", SOCK, "EAFNOSUPPORT",
                f -> f.udp().sendTo(ByteBuffer.allocate(1), new InetSocketAddress(InetAddress.getByName("::1"), 9)));
        row("UdpSocket.receiveFrom(read-only buffer)", ReadOnlyBufferException.class, null,
                f -> f.udp().receiveFrom(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        row("UdpSocket.send() unconnected", SOCK, "EDESTADDRREQ", f -> f.udp().send(ByteBuffer.allocate(1)));
        row("UdpSocket.peerAddress() unconnected", SOCK, "ENOTCONN", f -> f.udp().peerAddress());
        row("UdpSocket.setMulticastTtlV4(300)", IAE, "ttl 300", f -> f.udp().setMulticastTtlV4(300));
        row("UdpSocket.joinMulticastV4(null group)", NPE, "group",
                f -> f.udp().joinMulticastV4(null, (Inet4Address) InetAddress.getByName("0.0.0.0")));
        row("UdpSocket.joinMulticastV4(unicast group)", SOCK, "EINVAL", f -> f.udp().joinMulticastV4(
                (Inet4Address) InetAddress.getByName("10.1.2.3"), (Inet4Address) InetAddress.getByName("0.0.0.0")));
        row("UdpSocket.leaveMulticastV4(never joined)", BIND, "EADDRNOTAVAIL", f -> f.udp().leaveMulticastV4(
                (Inet4Address) InetAddress.getByName("239.9.9.9"), (Inet4Address) InetAddress.getByName("0.0.0.0")));
        row("UdpSocket.joinMulticastV6(null group)", NPE, "group", f -> f.udp().joinMulticastV6(null, 0));
        row("UdpSocket.joinMulticastV6 on an IPv4 socket", SOCK, "setsockopt: ENOPROTOOPT",
                f -> f.udp().joinMulticastV6((Inet6Address) InetAddress.getByName("ff02::1:2"), 0));
        row("UdpSocket.sendTo after close", CLOSED, "used after close()", f -> {
            f.udp().close();
            f.udp().sendTo(ByteBuffer.allocate(1), new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        });
        // Unix types
        row("UnixAddress.of(null String)", NPE, "path", f -> UnixAddress.of((String) null));
        row("UnixAddress.of(null Path)", NPE, "path", f -> UnixAddress.of((Path) null));
        row("UnixAddress.of(\"\")", IAE, "non-empty", f -> UnixAddress.of(""));
        row("UnixAddress.of(path with NUL)", IAE, "no NUL", f -> UnixAddress.of("/tmp/a\0b"));
        row("UnixAddress.of(108 ASCII bytes)", IAE, "108 bytes in UTF-8", f -> UnixAddress.of("/" + "a".repeat(107)));
        row("UnixAddress.of(54 two-byte characters)", IAE, "109 bytes in UTF-8", f -> UnixAddress.of("/" + "é".repeat(54)));
        row("UnixAddress.ofAbstract(null)", NPE, "name", f -> UnixAddress.ofAbstract(null));
        row("UnixAddress.ofAbstract(too long)", IAE, "abstract name", f -> UnixAddress.ofAbstract("x".repeat(200)));
        row("UnixListener.bind(null)", NPE, "address", f -> UnixListener.bind(null));
        row("UnixListener.bind(unnamed)", IAE, "unnamed", f -> UnixListener.bind(UnixAddress.unnamed()));
        row("UnixListener.bind(missing directory)", SOCK, "ENOENT",
                f -> UnixListener.bind(UnixAddress.of("/nonexistent-jmio-dir/sock")));
        row("UnixStream.connect(nothing there)", SOCK, "ENOENT",
                f -> UnixStream.connect(UnixAddress.of(f.tempDir().resolve("none").toString())));
        row("UnixStream.connect(a regular file)", CONNECT, "connect: ECONNREFUSED", f -> UnixStream.connect(UnixAddress.of(f.tempFile())));
        row("UnixStream.connect(unnamed)", IAE, "unnamed", f -> UnixStream.connect(UnixAddress.unnamed()));
        row("UnixStream.read(null)", NPE, "\"dst\" is null", f -> f.unix()[0].read((ByteBuffer) null));
        row("UnixStream.shutdown(null)", NPE, "how", f -> f.unix()[0].shutdown(null));
        row("UnixStream.write after close", CLOSED, "used after close()", f -> {
            f.unix()[0].close();
            f.unix()[0].write(ByteBuffer.allocate(1));
        });
        row("UnixStream.write after the peer closed", SOCK, "EPIPE", f -> {
            f.unix()[1].close();
            f.unix()[0].write(ByteBuffer.allocate(1));
        });
        row("UnixDatagram.sendTo(unnamed)", IAE, "unnamed",
                f -> f.unixDatagram().sendTo(ByteBuffer.allocate(1), UnixAddress.unnamed()));
        row("UnixDatagram.sendTo(null)", NPE, "address", f -> f.unixDatagram().sendTo(ByteBuffer.allocate(1), null));
        row("UnixDatagram.sendTo(nothing bound)", SOCK, "ENOENT",
                f -> f.unixDatagram().sendTo(ByteBuffer.allocate(1), UnixAddress.of(f.tempDir().resolve("none").toString())));
        row("UnixDatagram.send() unconnected", SOCK, "ENOTCONN", f -> f.unixDatagram().send(ByteBuffer.allocate(1)));
        row("UnixDatagram.connect(null)", NPE, "address", f -> f.unixDatagram().connect(null));
        // Pipe
        row("Pipe.Sender.write(null)", NPE, "\"src\" is null", f -> f.pipe().sender().write((ByteBuffer) null));
        row("Pipe.Receiver.read(read-only)", ReadOnlyBufferException.class, null,
                f -> f.pipe().receiver().read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
        row("Pipe.Sender.write after the receiver closed", SYS, "EPIPE", f -> {
            f.pipe().receiver().close();
            f.pipe().sender().write(ByteBuffer.allocate(1));
        });
        row("Pipe.Receiver.read after close", CLOSED, "used after close()", f -> {
            f.pipe().receiver().close();
            f.pipe().receiver().read(ByteBuffer.allocate(1));
        });
        row("register a closed Pipe end", CLOSED, "used after close()", f -> {
            f.pipe().sender().close();
            f.registry.register(f.pipe().sender(), Token.of(1), Interest.WRITABLE);
        });
        row("new Pipe(null, null)", NPE, "sender", f -> new Pipe(null, null));
    }

    private static ByteBuffer[] buffers(int n) {
        ByteBuffer[] b = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            b[i] = ByteBuffer.allocate(1);
        }
        return b;
    }

    @TestFactory
    Stream<DynamicTest> everyMisuseFailsClearlyAndLeavesThePollUsable() {
        return ROWS.stream().map(r -> DynamicTest.dynamicTest(r.what(), () -> check(r)));
    }

    /** Not misuse but the edges of what is allowed: they must work. */
    @org.junit.jupiter.api.Test
    void extremeButValidArgumentsWork() throws Exception {
        try (Fixture f = new Fixture(); Waker waker = new Waker(f.registry, Token.of(Long.MIN_VALUE))) {
            // A timeout far beyond what the kernel takes is clamped, not refused: the wake ends it.
            waker.wake();
            assertEquals(1, f.poll.poll(f.events, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
            assertEquals(Long.MIN_VALUE, f.events.get(0).token());
            waker.wake();
            assertEquals(1, f.poll.poll(f.events, null));
            // The largest Events, and tokens at both ends of the 64-bit range.
            Events huge = Events.withCapacity(1 << 20);
            f.registry.register(f.pipe().receiver(), Token.of(Long.MAX_VALUE), Interest.READABLE);
            f.pipe().sender().write(ByteBuffer.wrap(new byte[] {1}));
            assertEquals(1, f.poll.poll(huge, Duration.ofSeconds(5)));
            assertEquals(Long.MAX_VALUE, huge.get(0).token());
            // A gathering write of more buffers than one call takes is a short write, not an error.
            TcpStream[] tcp = f.tcp();
            assertEquals(16, tcp[0].write(buffers(17)));
            // One source in two polls (epoll allows it: each reports it with its own token), and one
            // Events passed to both polls in turn.
            f.registry.register(tcp[1], Token.of(7), Interest.READABLE);
            f.other().registry().register(tcp[1], Token.of(8), Interest.READABLE);
            Expect.events(f.poll, f.events, Expect.readable(7));
            Expect.events(f.other(), f.events, Expect.readable(8));
            f.registry.deregister(tcp[1]);
            f.other().registry().deregister(tcp[1]);
            f.assertPollWorks();
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("[reliability] misuse table: %d rows, %d run%n", ROWS.size(), ran);
    }

    private static void check(Row row) throws Exception {
        try (Fixture f = new Fixture()) {
            Throwable thrown = null;
            try {
                row.misuse().run(f);
            } catch (Throwable t) {
                thrown = t;
            }
            ran++;
            assertNotNull(thrown, row.what() + ": expected " + row.type().getSimpleName() + ", nothing thrown");
            if (!row.type().isInstance(thrown)) {
                fail(row.what() + ": expected " + row.type().getName() + " but got " + thrown, thrown);
            }
            if (java.net.SocketException.class.isAssignableFrom(row.type())) {
                assertTrue(thrown instanceof io.jmio.poll.SyscallFailure, row.what() + ": keeps syscall and errno");
            }
            if (row.message() != null) {
                String message = thrown.getMessage();
                assertTrue(message != null && message.contains(row.message()),
                        row.what() + ": message \"" + message + "\" lacks \"" + row.message() + "\"");
            }
            if (row.closesPoll()) {
                assertTrue(f.poll.isClosed());
            } else {
                f.assertPollWorks();
            }
        }
    }

    /** The objects a misuse works on, opened on first use and all closed afterwards. */
    static final class Fixture implements AutoCloseable {
        final Poll poll;
        final Registry registry;
        final Events events = Events.withCapacity(16);
        final List<AutoCloseable> opened = new ArrayList<>();
        Waker waker;
        private Pipe pipe;
        private TcpListener listener;
        private TcpStream[] tcp;
        private UdpSocket udp;
        private UnixStream[] unix;
        private UnixDatagram unixDatagram;
        private Poll other;
        private Path tempDir;

        Fixture() throws IOException {
            poll = Poll.open();
            registry = poll.registry();
        }

        <T extends AutoCloseable> T track(T t) {
            opened.add(t);
            return t;
        }

        Pipe pipe() throws IOException {
            return pipe != null ? pipe : (pipe = track(Pipe.open()));
        }

        TcpListener listener() throws IOException {
            return listener != null ? listener
                    : (listener = track(TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))));
        }

        /** @return {client, server} of a connected loopback pair */
        TcpStream[] tcp() throws IOException {
            if (tcp == null) {
                TcpStream client = track(TcpStream.connect(listener().localAddress()));
                TcpStream server = null;
                for (int i = 0; i < 5000 && server == null; i++) {
                    server = listener().accept();
                    if (server == null) {
                        try (Poll p = Poll.open()) {
                            p.registry().register(listener(), Token.of(0), Interest.READABLE);
                            p.poll(Events.withCapacity(1), Duration.ofMillis(10));
                            p.registry().deregister(listener());
                        }
                    }
                }
                assertNotNull(server, "accept");
                tcp = new TcpStream[] {client, track(server)};
            }
            return tcp;
        }

        UdpSocket udp() throws IOException {
            return udp != null ? udp : (udp = track(UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))));
        }

        UnixStream[] unix() throws IOException {
            if (unix == null) {
                unix = UnixStream.pair();
                track(unix[0]);
                track(unix[1]);
            }
            return unix;
        }

        UnixDatagram unixDatagram() throws IOException {
            return unixDatagram != null ? unixDatagram : (unixDatagram = track(UnixDatagram.unbound()));
        }

        Poll other() throws IOException {
            return other != null ? other : (other = track(Poll.open()));
        }

        Path tempDir() throws IOException {
            if (tempDir == null) {
                tempDir = Files.createTempDirectory("jmio-misuse");
            }
            return tempDir;
        }

        Path tempFile() throws IOException {
            Path file = tempDir().resolve("file");
            if (!Files.exists(file)) {
                Files.writeString(file, "x");
            }
            return file;
        }

        private int fileFd = -1;

        /** @return a descriptor of a regular file (epoll refuses those) */
        int regularFileFd() throws IOException {
            if (fileFd < 0) {
                fileFd = TestLibc.openReadOnly(tempFile().toString());
            }
            return fileFd;
        }

        /** @return a descriptor number that is not open in this process */
        int unusedFd() {
            return (int) Math.min(Integer.MAX_VALUE, TestLibc.openFiles()[0] - 1);
        }

        /** @return a loopback TCP port nothing listens on */
        int closedPort() throws IOException {
            try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                return l.localAddress().getPort();
            }
        }

        /** A fresh pipe registered with the poll reports its data, and nothing after deregister. */
        void assertPollWorks() throws IOException {
            try (Pipe p = Pipe.open()) {
                registry.register(p.receiver(), Token.of(4242), Interest.READABLE);
                assertEquals(1, p.sender().write(ByteBuffer.wrap(new byte[] {1})));
                Expect.events(poll, events, Expect.readable(4242));
                registry.deregister(p.receiver());
                assertEquals(1, p.sender().write(ByteBuffer.wrap(new byte[] {2})));
                // A pipe's readiness is queued by the write itself: a short poll is enough to see none.
                poll.poll(events, Duration.ofMillis(1));
                assertFalse(Loopback.reported(events, 4242), "event after deregister: " + events);
            }
            assertFalse(poll.isClosed());
        }

        @Override
        public void close() throws Exception {
            if (waker != null) {
                waker.close();
            }
            for (AutoCloseable c : opened) {
                c.close();
            }
            if (fileFd >= 0) {
                Fds.close(fileFd);
            }
            poll.close();
            if (tempDir != null) {
                try (Stream<Path> files = Files.walk(tempDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
