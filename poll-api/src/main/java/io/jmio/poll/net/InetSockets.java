package io.jmio.poll.net;

import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystem.Option;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks and option plumbing the TCP and UDP types share, over the process's
 * {@link SocketSystem}.
 *
 * <p>Threading: stateless.
 */
final class InetSockets {
    private static final SocketSystem SYS = NetSocket.SYS;

    private InetSockets() {
    }

    static InetSocketAddress checkResolved(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        return address;
    }

    /** Refuses adoption and hand-back by descriptor where sockets are not descriptors (Windows). */
    static void checkDescriptors(String what) {
        if (!SYS.handlesAreFileDescriptors()) {
            throw new UnsupportedOperationException(what + " is unsupported on " + SYS.osName() + " (" + SYS.name()
                    + "): its sockets are SOCKET handles, not file descriptors");
        }
    }

    static boolean isV6(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address;
    }

    static void setTtl(long s, boolean v6, int ttl) throws IOException {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl " + ttl + " is not in 0..255");
        }
        SYS.setOption(s, v6 ? Option.IPV6_UNICAST_HOPS : Option.IP_TTL, ttl);
    }

    static int ttl(long s, boolean v6) throws IOException {
        return SYS.option(s, v6 ? Option.IPV6_UNICAST_HOPS : Option.IP_TTL);
    }

    static void setBoolean(long s, Option option, boolean on) throws IOException {
        SYS.setOption(s, option, on ? 1 : 0);
    }

    static boolean getBoolean(long s, Option option) throws IOException {
        return SYS.option(s, option) != 0;
    }

    static void setBufferSize(long s, Option option, int size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size " + size + " is not positive");
        }
        SYS.setOption(s, option, size);
    }

    /** Whole seconds; null turns lingering off. */
    static void setLinger(long s, Duration linger) throws IOException {
        if (linger != null && (linger.isNegative() || linger.getSeconds() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("linger " + linger + " is negative or too long");
        }
        SYS.setLinger(s, linger == null ? -1 : (int) linger.getSeconds());
    }

    static Duration linger(long s) throws IOException {
        int seconds = SYS.linger(s);
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }
}
