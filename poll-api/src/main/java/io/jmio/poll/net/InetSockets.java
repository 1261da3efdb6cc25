package io.jmio.poll.net;

import io.jmio.poll.posix.NativeScratch;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.Sockaddr;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The internet-socket plumbing the TCP and UDP types share: opening, binding, connecting and naming
 * sockets, and the options they have in common. Addresses go through this thread's
 * {@link NativeScratch}.
 *
 * <p>Threading: stateless.
 */
final class InetSockets {
    static final SocketConstants SC = SocketConstants.current();
    private static final Sockaddr SOCKADDR = Sockaddr.current();

    private InetSockets() {
    }

    static InetSocketAddress checkResolved(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        return address;
    }

    static boolean isV6(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address;
    }

    /** Opens a non-blocking, close-on-exec socket of the address's family. */
    static int open(InetSocketAddress address, int type) throws IOException {
        return Posix.socket(SOCKADDR.family(address), type);
    }

    /** Encodes the address into this thread's scratch; returns its length. */
    static int encode(NativeScratch s, InetSocketAddress address) {
        return SOCKADDR.putInet(s.buffer, NativeScratch.SOCKADDR_OFFSET, address);
    }

    static void bind(int fd, InetSocketAddress address) throws IOException {
        NativeScratch s = NativeScratch.get();
        int len = encode(s, address);
        Posix.bind(fd, s.address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    static boolean connect(int fd, InetSocketAddress address) throws IOException {
        NativeScratch s = NativeScratch.get();
        int len = encode(s, address);
        return Posix.connect(fd, s.address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    static InetSocketAddress address(int fd, boolean peer) throws IOException {
        Posix.socketAddress(fd, peer);
        return SOCKADDR.getInet(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    /** Decodes the sender address the last receive of this thread left in its scratch. */
    static InetSocketAddress lastSender() {
        return SOCKADDR.getInet(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    static void setTtl(int fd, boolean v6, int ttl) throws IOException {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl " + ttl + " is not in 0..255");
        }
        if (v6) {
            Posix.setIntOption(fd, SocketConstants.IPPROTO_IPV6, SC.ipv6UnicastHops, ttl);
        } else {
            Posix.setIntOption(fd, SocketConstants.IPPROTO_IP, SC.ipTtl, ttl);
        }
    }

    static int ttl(int fd, boolean v6) throws IOException {
        return v6 ? Posix.getIntOption(fd, SocketConstants.IPPROTO_IPV6, SC.ipv6UnicastHops)
                : Posix.getIntOption(fd, SocketConstants.IPPROTO_IP, SC.ipTtl);
    }

    static void setBoolean(int fd, int level, int name, boolean on) throws IOException {
        Posix.setIntOption(fd, level, name, on ? 1 : 0);
    }

    static boolean getBoolean(int fd, int level, int name) throws IOException {
        return Posix.getIntOption(fd, level, name) != 0;
    }

    static void setBufferSize(int fd, int name, int size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size " + size + " is not positive");
        }
        Posix.setIntOption(fd, SC.solSocket, name, size);
    }

    /** {@code struct linger {int l_onoff; int l_linger;}}, seconds; null turns lingering off. */
    static void setLinger(int fd, Duration linger) throws IOException {
        if (linger != null && (linger.isNegative() || linger.getSeconds() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("linger " + linger + " is negative or too long");
        }
        NativeScratch s = NativeScratch.get();
        s.buffer.putInt(NativeScratch.OPTVAL_OFFSET, linger != null ? 1 : 0);
        s.buffer.putInt(NativeScratch.OPTVAL_OFFSET + 4, linger != null ? (int) linger.getSeconds() : 0);
        Posix.setOption(fd, SC.solSocket, SC.soLinger, s.address + NativeScratch.OPTVAL_OFFSET, 8);
    }

    static Duration linger(int fd) throws IOException {
        NativeScratch s = NativeScratch.get();
        Posix.getOption(fd, SC.solSocket, SC.soLinger, s.address + NativeScratch.OPTVAL_OFFSET, 8);
        return s.buffer.getInt(NativeScratch.OPTVAL_OFFSET) == 0 ? null
                : Duration.ofSeconds(s.buffer.getInt(NativeScratch.OPTVAL_OFFSET + 4));
    }
}
