package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.spi.SocketSystem.Option;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The option numbers behind {@code setOption}, pinned per OS from the headers: Linux
 * {@code netinet/tcp.h}, {@code bits/in.h}, {@code linux/in6.h}, {@code asm-generic/socket.h}; macOS
 * (xnu) {@code netinet/tcp.h}, {@code netinet6/in6.h}; FreeBSD/DragonFly/NetBSD/OpenBSD
 * {@code netinet/tcp.h}, {@code netinet6/in6.h}, {@code sys/socket.h}. Only Linux runs here, so for the
 * others these values are the only check.
 */
class SocketOptionNumbersTest {
    private static SocketConstants of(Platform p) {
        return SocketConstants.forPlatform(p);
    }

    @Test
    void shouldPinLinux() {
        SocketConstants l = of(Platform.LINUX);
        assertEquals(15, l.soReusePort);
        assertEquals(4, l.tcpKeepIdle);
        assertEquals(5, l.tcpKeepInterval);
        assertEquals(6, l.tcpKeepCount);
        assertEquals(1, l.ipTos);
        assertEquals(67, l.ipv6Tclass);
        assertEquals(18, l.ipv6MulticastHops);
        assertEquals(26, l.ipv6V6Only);
        assertEquals(3, l.soType);
        assertEquals(30, l.soAcceptConn);
    }

    @Test
    void shouldPinMacOs() {
        SocketConstants d = of(Platform.DARWIN);
        assertEquals(0x200, d.soReusePort);
        assertEquals(0x10, d.tcpKeepIdle, "macOS calls the idle time TCP_KEEPALIVE");
        assertEquals(0x101, d.tcpKeepInterval);
        assertEquals(0x102, d.tcpKeepCount);
        assertEquals(3, d.ipTos);
        assertEquals(36, d.ipv6Tclass, "macOS kept its pre-RFC 3542 value");
        assertEquals(10, d.ipv6MulticastHops);
        assertEquals(27, d.ipv6V6Only);
        assertEquals(0x1008, d.soType);
        assertEquals(0x2, d.soAcceptConn);
    }

    @Test
    void shouldPinTheOtherBsds() {
        for (Platform p : new Platform[] {Platform.FREEBSD, Platform.DRAGONFLY}) {
            SocketConstants f = of(p);
            assertEquals(256, f.tcpKeepIdle, p.name());
            assertEquals(512, f.tcpKeepInterval, p.name());
            assertEquals(1024, f.tcpKeepCount, p.name());
        }
        SocketConstants n = of(Platform.NETBSD);
        assertEquals(3, n.tcpKeepIdle);
        assertEquals(5, n.tcpKeepInterval);
        assertEquals(6, n.tcpKeepCount);
        SocketConstants o = of(Platform.OPENBSD);
        assertEquals(SocketConstants.NONE, o.tcpKeepIdle, "OpenBSD tunes keep-alive system-wide only");
        assertEquals(SocketConstants.NONE, o.tcpKeepInterval);
        assertEquals(SocketConstants.NONE, o.tcpKeepCount);
        for (Platform p : new Platform[] {Platform.FREEBSD, Platform.DRAGONFLY, Platform.NETBSD, Platform.OPENBSD}) {
            SocketConstants b = of(p);
            assertEquals(0x200, b.soReusePort, p.name());
            assertEquals(3, b.ipTos, p.name());
            assertEquals(61, b.ipv6Tclass, p.name());
            assertEquals(10, b.ipv6MulticastHops, p.name());
            assertEquals(0x1008, b.soType, p.name());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldSupportEveryOptionOnLinux() {
        PosixSockets sys = new PosixSockets();
        for (Option o : Option.values()) {
            assertTrue(sys.supports(o), o.name());
        }
    }
}
