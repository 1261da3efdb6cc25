package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.JmioSocketOptions;
import io.jmio.poll.net.SocketConfig;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code setOption}/{@code getOption} with {@link StandardSocketOptions} and {@link JmioSocketOptions}
 * on every socket type, and options set before bind through {@link SocketConfig}. What each OS has is
 * stated here independently of the code under test: {@code SO_REUSEPORT} everywhere but Windows,
 * per-socket keep-alive tuning everywhere but OpenBSD.
 */
public abstract class SocketOptionContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    @TempDir
    Path dir;

    private static boolean windows() {
        return "winsock".equals(SocketSystem.current().name());
    }

    private static boolean expectReusePort() {
        return !windows();
    }

    private static boolean expectKeepAliveTuning() {
        return windows() || Platform.current() != Platform.OPENBSD;
    }

    private static void assertUnsupported(String option, String where, Runnable call) {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call::run);
        assertTrue(e.getMessage().contains(option) && e.getMessage().contains(where), e.getMessage());
    }

    private interface IoCall {
        void run() throws IOException;
    }

    private static void assertUnsupportedIo(String option, String where, IoCall call) {
        assertUnsupported(option, where, () -> {
            try {
                call.run();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void shouldSetAndReadStandardOptionsOnAStream() throws IOException {
        try (TcpPair pair = TcpPair.open(backend())) {
            TcpStream s = pair.client;
            assertTrue(s.setOption(StandardSocketOptions.TCP_NODELAY, true).getOption(StandardSocketOptions.TCP_NODELAY));
            assertFalse(s.setOption(StandardSocketOptions.TCP_NODELAY, false).getOption(StandardSocketOptions.TCP_NODELAY));
            assertTrue(s.setOption(StandardSocketOptions.SO_KEEPALIVE, true).getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertEquals(true, s.noDelay() == s.getOption(StandardSocketOptions.TCP_NODELAY), "the old setters agree");
            s.setOption(StandardSocketOptions.SO_SNDBUF, 96 * 1024);
            assertTrue(s.getOption(StandardSocketOptions.SO_SNDBUF) >= 96 * 1024, "the kernel keeps at least what was asked");
            assertEquals(s.sendBufferSize(), s.getOption(StandardSocketOptions.SO_SNDBUF));
            assertEquals(7, s.setOption(StandardSocketOptions.SO_LINGER, 7).getOption(StandardSocketOptions.SO_LINGER));
            assertEquals(Duration.ofSeconds(7), s.linger());
            assertEquals(-1, s.setOption(StandardSocketOptions.SO_LINGER, -1).getOption(StandardSocketOptions.SO_LINGER));
            assertEquals(0x20, s.setOption(StandardSocketOptions.IP_TOS, 0x20).getOption(StandardSocketOptions.IP_TOS));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_TOS, 256));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.SO_RCVBUF, 0));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, null));
            assertTrue(s.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY));
            assertFalse(s.supportedOptions().contains(StandardSocketOptions.SO_BROADCAST));
        }
    }

    @Test
    void shouldTuneKeepAliveWhereTheOsCan() throws IOException {
        try (TcpPair pair = TcpPair.open(backend())) {
            TcpStream s = pair.server;
            s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            if (expectKeepAliveTuning()) {
                assertEquals(75, s.setOption(JmioSocketOptions.TCP_KEEPIDLE, 75).getOption(JmioSocketOptions.TCP_KEEPIDLE));
                assertEquals(9, s.setOption(JmioSocketOptions.TCP_KEEPINTERVAL, 9).getOption(JmioSocketOptions.TCP_KEEPINTERVAL));
                assertEquals(4, s.setOption(JmioSocketOptions.TCP_KEEPCOUNT, 4).getOption(JmioSocketOptions.TCP_KEEPCOUNT));
                assertTrue(s.supportedOptions().containsAll(Set.of(JmioSocketOptions.TCP_KEEPIDLE,
                        JmioSocketOptions.TCP_KEEPINTERVAL, JmioSocketOptions.TCP_KEEPCOUNT)));
                assertThrows(IllegalArgumentException.class, () -> s.setOption(JmioSocketOptions.TCP_KEEPCOUNT, 0));
                // The JDK's own names (module jdk.net) are taken as jmio's.
                assertEquals(75, s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
                s.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 11);
                assertEquals(11, s.getOption(JmioSocketOptions.TCP_KEEPINTERVAL));
            } else {
                assertUnsupportedIo("TCP_KEEPIDLE", "OpenBSD", () -> s.setOption(JmioSocketOptions.TCP_KEEPIDLE, 75));
                assertFalse(s.supportedOptions().contains(JmioSocketOptions.TCP_KEEPIDLE));
            }
        }
    }

    @Test
    void shouldRefuseAnOptionTheSocketTypeDoesNotTake() throws IOException {
        try (UdpSocket udp = UdpSocket.bind(anyLocal()); TcpListener listener = TcpListener.bind(anyLocal())) {
            assertUnsupportedIo("TCP_NODELAY", "UdpSocket", () -> udp.getOption(StandardSocketOptions.TCP_NODELAY));
            assertUnsupportedIo("SO_KEEPALIVE", "TcpListener", () -> listener.setOption(StandardSocketOptions.SO_KEEPALIVE, true));
            assertUnsupportedIo("IPV6_V6ONLY", "IPv6", () -> listener.getOption(JmioSocketOptions.IPV6_V6ONLY));
            assertUnsupportedIo("IP_MULTICAST_IF", "UdpSocket", () -> udp.getOption(StandardSocketOptions.IP_MULTICAST_IF));
            assertFalse(udp.supportedOptions().contains(JmioSocketOptions.IPV6_V6ONLY), "an IPv4 socket");
            assertUnsupported("TCP_NODELAY", "TcpListener", () -> {
                try {
                    TcpListener.bind(anyLocal(), SocketConfig.create().set(StandardSocketOptions.TCP_NODELAY, true)).close();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void shouldSetUdpOptions() throws IOException {
        try (UdpSocket udp = UdpSocket.bind(anyLocal());
             UdpSocket v6 = UdpSocket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            assertTrue(udp.setOption(StandardSocketOptions.SO_BROADCAST, true).getOption(StandardSocketOptions.SO_BROADCAST));
            udp.setOption(StandardSocketOptions.SO_RCVBUF, 200_000);
            assertTrue(udp.getOption(StandardSocketOptions.SO_RCVBUF) >= 200_000);
            assertEquals(3, udp.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 3).getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertEquals(3, udp.multicastTtlV4());
            assertFalse(udp.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false).getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
            // On an IPv6 socket the same names reach the IPv6 options.
            assertEquals(5, v6.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 5).getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertFalse(v6.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false).getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
            assertFalse(v6.multicastLoopV6());
            assertEquals(0x28, v6.setOption(StandardSocketOptions.IP_TOS, 0x28).getOption(StandardSocketOptions.IP_TOS));
            assertTrue(v6.supportedOptions().contains(JmioSocketOptions.IPV6_V6ONLY));
        }
    }

    @Test
    void shouldSetOptionsBeforeBindAndTheAcceptedStreamsInheritThem() throws IOException {
        SocketConfig config = SocketConfig.create().set(StandardSocketOptions.SO_RCVBUF, 300_000);
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal(), config)) {
            assertTrue(listener.getOption(StandardSocketOptions.SO_RCVBUF) >= 300_000);
            assertTrue(listener.getOption(StandardSocketOptions.SO_REUSEADDR) || windows(),
                    "the listener's default (SO_REUSEADDR on Unix) is still applied");
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            try (TcpStream client = TcpStream.connect(listener.localAddress(),
                    SocketConfig.create().set(StandardSocketOptions.SO_SNDBUF, 150_000))) {
                assertTrue(client.getOption(StandardSocketOptions.SO_SNDBUF) >= 150_000, "set before connect");
                NetTestSupport.expectEvent(poll, Events.withCapacity(4), 0, NetTestSupport.Seen::readable, "accept");
                try (TcpStream accepted = listener.accept()) {
                    assertNotNull(accepted);
                    assertTrue(accepted.getOption(StandardSocketOptions.SO_RCVBUF) >= 300_000,
                            "an accepted stream inherits the listener's receive buffer");
                }
            }
        }
        SocketConfig reuseOff = SocketConfig.create().set(StandardSocketOptions.SO_REUSEADDR, false);
        try (TcpListener listener = TcpListener.bind(anyLocal(), reuseOff)) {
            assertFalse(listener.getOption(StandardSocketOptions.SO_REUSEADDR), "an explicit option overrides the default");
        }
    }

    /** {@code ::ffff:127.0.0.1} as an IPv6 address (the JDK turns a parsed mapped address into IPv4). */
    private static InetSocketAddress mappedLoopback() throws IOException {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        b[12] = 127;
        b[15] = 1;
        return new InetSocketAddress(Inet6Address.getByAddress(null, b, -1), 0);
    }

    @Test
    void shouldSetIpv6OnlyBeforeBind() throws IOException {
        // An IPv6 socket may bind an IPv4-mapped address only while IPV6_V6ONLY is off, which is why the
        // option must be set before bind (a specific IPv6 address such as ::1 turns it on by itself on Linux).
        SocketConfig both = SocketConfig.create().set(JmioSocketOptions.IPV6_V6ONLY, false);
        try (TcpListener listener = TcpListener.bind(mappedLoopback(), both);
             UdpSocket udp = UdpSocket.bind(mappedLoopback(), both)) {
            assertFalse(listener.getOption(JmioSocketOptions.IPV6_V6ONLY));
            assertFalse(udp.getOption(JmioSocketOptions.IPV6_V6ONLY));
            assertFalse(udp.onlyV6());
        }
        SocketConfig only = SocketConfig.create().set(JmioSocketOptions.IPV6_V6ONLY, true);
        assertThrows(IOException.class, () -> TcpListener.bind(mappedLoopback(), only).close(),
                "an IPv6-only socket cannot bind an IPv4-mapped address");
        assertThrows(IOException.class, () -> UdpSocket.bind(mappedLoopback(), only).close());
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        try (TcpListener listener = TcpListener.bind(v6, only); UdpSocket udp = UdpSocket.bind(v6, only)) {
            assertTrue(listener.getOption(JmioSocketOptions.IPV6_V6ONLY));
            assertTrue(udp.getOption(JmioSocketOptions.IPV6_V6ONLY));
        }
    }

    @Test
    void shouldShareAPortBetweenListenersWithReusePort() throws IOException {
        SocketConfig reusePort = SocketConfig.create().set(StandardSocketOptions.SO_REUSEPORT, true);
        if (!expectReusePort()) {
            assertUnsupported("SO_REUSEPORT", "Windows", () -> {
                try {
                    TcpListener.bind(anyLocal(), reusePort).close();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            return;
        }
        try (Poll poll = Poll.open(backend()); TcpListener first = TcpListener.bind(anyLocal(), reusePort)) {
            InetSocketAddress shared = first.localAddress();
            BindException refused = assertThrows(BindException.class, () -> TcpListener.bind(shared).close());
            assertTrue(refused.getMessage().contains("EADDRINUSE"), "a socket without SO_REUSEPORT cannot join: " + refused);
            try (TcpListener second = TcpListener.bind(shared, reusePort)) {
                assertEquals(shared, second.localAddress());
                assertTrue(second.getOption(StandardSocketOptions.SO_REUSEPORT));
                poll.registry().register(first, Token.of(1), Interest.READABLE);
                poll.registry().register(second, Token.of(2), Interest.READABLE);
                int connections = 16;
                List<TcpStream> clients = new ArrayList<>();
                List<TcpStream> accepted = new ArrayList<>();
                try {
                    for (int i = 0; i < connections; i++) {
                        clients.add(TcpStream.connect(shared));
                    }
                    Events events = Events.withCapacity(8);
                    long deadline = System.nanoTime() + NetTestSupport.TIMEOUT.toNanos();
                    while (accepted.size() < connections && System.nanoTime() < deadline) {
                        poll.poll(events, Duration.ofMillis(100));
                        for (Event e : events) {
                            TcpListener l = e.token() == 1 ? first : second;
                            TcpStream s;
                            while ((s = l.accept()) != null) {
                                accepted.add(s);
                            }
                        }
                    }
                    assertEquals(connections, accepted.size(), "every connection reached one of the two listeners");
                } finally {
                    for (TcpStream s : clients) {
                        s.close();
                    }
                    for (TcpStream s : accepted) {
                        s.close();
                    }
                }
            }
        }
    }

    @Test
    void shouldSetOptionsOnUnixSockets() throws IOException {
        assumeTrue(Platform.current() != Platform.WINDOWS, "Unix-domain sockets are Unix only in jmio");
        UnixStream[] pair = UnixStream.pair();
        try (UnixStream a = pair[0]; UnixStream b = pair[1]) {
            a.setOption(StandardSocketOptions.SO_SNDBUF, 100_000);
            assertTrue(a.getOption(StandardSocketOptions.SO_SNDBUF) >= 100_000);
            assertEquals(3, a.setOption(StandardSocketOptions.SO_LINGER, 3).getOption(StandardSocketOptions.SO_LINGER));
            assertUnsupportedIo("TCP_NODELAY", "UnixStream", () -> b.setOption(StandardSocketOptions.TCP_NODELAY, true));
            assertEquals(Set.<SocketOption<?>>of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                    StandardSocketOptions.SO_LINGER), b.supportedOptions());
        }
        UnixAddress address = UnixAddress.of(dir.resolve("o.sock"));
        try (UnixListener listener = UnixListener.bind(address,
                SocketConfig.create().set(StandardSocketOptions.SO_RCVBUF, 250_000));
             UnixDatagram datagram = UnixDatagram.unbound()) {
            assertTrue(listener.getOption(StandardSocketOptions.SO_RCVBUF) >= 250_000);
            datagram.setOption(StandardSocketOptions.SO_RCVBUF, 120_000);
            assertTrue(datagram.getOption(StandardSocketOptions.SO_RCVBUF) >= 120_000);
            assertUnsupportedIo("SO_LINGER", "UnixDatagram", () -> datagram.getOption(StandardSocketOptions.SO_LINGER));
        }
    }
}
