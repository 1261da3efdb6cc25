package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystem.Option;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A non-blocking UDP socket, as mio's {@code UdpSocket}: unconnected ({@link #sendTo},
 * {@link #receiveFrom}) or connected to one peer ({@link #connect}, {@link #send}, {@link #receive}).
 *
 * <pre>{@code
 * UdpSocket socket = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0));
 * poll.registry().register(socket, Token.of(3), Interest.READABLE);
 * // on a readable event, drain:
 * InetSocketAddress from;
 * while ((from = socket.receiveFrom(buffer.clear())) != null) {
 *     socket.sendTo(buffer.flip(), from);                          // echo
 * }
 * }</pre>
 *
 * <p>Would-block: {@link #receiveFrom} returns null, {@link #receive} and {@link #peek} return -1 (a
 * datagram may be empty, so 0 means an empty datagram), sends return 0. A datagram longer than the
 * buffer throws {@link TruncatedDatagramException} (the buffer keeps the first bytes) rather than
 * being cut silently.
 *
 * <p>Allocation: {@link #receiveFrom} and {@link #peekFrom} allocate the sender's
 * {@link InetSocketAddress}, and {@link #sendTo} copies the target's IP bytes; {@link #send},
 * {@link #receive} and {@link #peek} on a connected socket allocate nothing.
 *
 * <p>Threading: not thread-safe; use it from one thread at a time. It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UdpSocket implements Source, AutoCloseable {
    private static final SocketSystem SYS = NetSocket.SYS;

    private final NetSocket fd;
    private final boolean v6;

    private UdpSocket(long handle, boolean v6) {
        this.fd = new NetSocket(handle);
        this.v6 = v6;
    }

    /**
     * @param address a resolved local address; port 0 picks a free port
     * @return the bound socket
     * @throws IOException e.g. {@code bind: EADDRINUSE}
     */
    public static UdpSocket bind(InetSocketAddress address) throws IOException {
        InetSockets.checkResolved(address);
        boolean v6 = InetSockets.isV6(address);
        long fd = SYS.open(v6, false);
        try {
            SYS.bind(fd, address);
        } catch (IOException | RuntimeException e) {
            SYS.closeQuietly(fd, e);
            throw e;
        }
        return new UdpSocket(fd, v6);
    }

    /**
     * Sends one datagram to {@code target}.
     *
     * @param src    the datagram, from its position to its limit
     * @param target a resolved address
     * @return the bytes sent (the whole datagram), or 0 if it would block
     * @throws IOException e.g. {@code sendto: EMSGSIZE}
     */
    public int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
        long h = fd.checkOpen();
        InetSockets.checkResolved(target);
        return sent(SYS.sendDatagram(h, src, target), src);
    }

    /**
     * Receives one datagram and says who sent it.
     *
     * @param dst the buffer, filled from its position
     * @return the sender, or null if no datagram is waiting (would block)
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public InetSocketAddress receiveFrom(ByteBuffer dst) throws IOException {
        return receiveFrom(dst, false);
    }

    /**
     * As {@link #receiveFrom}, but leaves the datagram queued.
     *
     * @param dst the buffer
     * @return the sender, or null if no datagram is waiting
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public InetSocketAddress peekFrom(ByteBuffer dst) throws IOException {
        return receiveFrom(dst, true);
    }

    private InetSocketAddress receiveFrom(ByteBuffer dst, boolean peek) throws IOException {
        int n = SYS.receiveDatagram(fd.checkOpen(), dst, peek);
        if (n < 0) {
            fd.wouldBlock(Interest.READABLE);
            return null;
        }
        InetSocketAddress sender = SYS.lastSender();
        if (SYS.lastTruncated()) {
            throw new TruncatedDatagramException(n, sender);
        }
        return sender;
    }

    /**
     * Connects to one peer: {@link #send} goes there and {@link #receive} accepts only its datagrams.
     *
     * @param peer a resolved address
     * @throws IOException from {@code connect}
     */
    public void connect(InetSocketAddress peer) throws IOException {
        InetSockets.checkResolved(peer);
        SYS.connect(fd.checkOpen(), peer);
    }

    /**
     * Sends one datagram to the connected peer.
     *
     * @param src the datagram
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code send: ECONNREFUSED} after an ICMP port-unreachable
     */
    public int send(ByteBuffer src) throws IOException {
        return sent(SYS.sendDatagram(fd.checkOpen(), src, null), src);
    }

    /**
     * Receives one datagram from the connected peer.
     *
     * @param dst the buffer
     * @return the datagram's length (0 for an empty one), or -1 if none is waiting (would block)
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException e.g. {@code recvmsg: ECONNREFUSED}
     */
    public int receive(ByteBuffer dst) throws IOException {
        return receive(dst, false);
    }

    /**
     * As {@link #receive}, but leaves the datagram queued.
     *
     * @param dst the buffer
     * @return the bytes copied, or -1 if none is waiting
     * @throws TruncatedDatagramException if the datagram was longer than the buffer's room
     * @throws IOException from {@code recvmsg}
     */
    public int peek(ByteBuffer dst) throws IOException {
        return receive(dst, true);
    }

    /** Re-arms {@link Interest#WRITABLE} when a non-empty datagram would block (Windows). */
    private int sent(int n, ByteBuffer src) throws IOException {
        if (NetSocket.REARMS && n == 0 && src.hasRemaining()) {
            fd.wouldBlock(Interest.WRITABLE);
        }
        return n;
    }

    private int receive(ByteBuffer dst, boolean peek) throws IOException {
        int n = SYS.receiveDatagram(fd.checkOpen(), dst, peek);
        if (n < 0) {
            fd.wouldBlock(Interest.READABLE);
        } else if (SYS.lastTruncated()) {
            throw new TruncatedDatagramException(n, null);
        }
        return n;
    }

    /**
     * @return the local address
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return SYS.address(fd.checkOpen(), false);
    }

    /**
     * @return the connected peer
     * @throws IOException {@code getpeername: ENOTCONN} if not connected
     */
    public InetSocketAddress peerAddress() throws IOException {
        return SYS.address(fd.checkOpen(), true);
    }

    /**
     * @param on whether datagrams may go to broadcast addresses ({@code SO_BROADCAST})
     * @throws IOException from {@code setsockopt}
     */
    public void setBroadcast(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), Option.BROADCAST, on);
    }

    /**
     * @return whether {@code SO_BROADCAST} is set
     * @throws IOException from {@code getsockopt}
     */
    public boolean broadcast() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), Option.BROADCAST);
    }

    /**
     * @return for an IPv6 socket, whether it refuses IPv4-mapped traffic ({@code IPV6_V6ONLY}; the
     *         system default, {@code net.ipv6.bindv6only} on Linux, as {@link #bind} does not set it)
     * @throws IOException from {@code getsockopt}, e.g. {@code ENOPROTOOPT} on an IPv4 socket
     */
    public boolean onlyV6() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), Option.IPV6_V6ONLY);
    }

    /**
     * @param ttl the unicast time-to-live (hop limit for IPv6), 0..255
     * @throws IOException from {@code setsockopt}
     */
    public void setTtl(int ttl) throws IOException {
        InetSockets.setTtl(fd.checkOpen(), v6, ttl);
    }

    /**
     * @return the unicast time-to-live (hop limit for IPv6)
     * @throws IOException from {@code getsockopt}
     */
    public int ttl() throws IOException {
        return InetSockets.ttl(fd.checkOpen(), v6);
    }

    /**
     * @param ttl the IPv4 multicast time-to-live, 0..255 ({@code IP_MULTICAST_TTL})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastTtlV4(int ttl) throws IOException {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl " + ttl + " is not in 0..255");
        }
        SYS.setOption(fd.checkOpen(), Option.IP_MULTICAST_TTL, ttl);
    }

    /**
     * @return the IPv4 multicast time-to-live
     * @throws IOException from {@code getsockopt}
     */
    public int multicastTtlV4() throws IOException {
        return SYS.option(fd.checkOpen(), Option.IP_MULTICAST_TTL);
    }

    /**
     * @param on whether this host's own IPv4 multicast datagrams loop back to it ({@code IP_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV4(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), Option.IP_MULTICAST_LOOP, on);
    }

    /**
     * @return whether IPv4 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV4() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), Option.IP_MULTICAST_LOOP);
    }

    /**
     * @param on whether this host's own IPv6 multicast datagrams loop back ({@code IPV6_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV6(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), Option.IPV6_MULTICAST_LOOP, on);
    }

    /**
     * @return whether IPv6 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV6() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), Option.IPV6_MULTICAST_LOOP);
    }

    /**
     * Joins an IPv4 multicast group ({@code IP_ADD_MEMBERSHIP}).
     *
     * @param group     the group, e.g. 239.1.2.3
     * @param iface     the local interface's address, or 0.0.0.0 for the kernel's choice
     * @throws IOException from {@code setsockopt}, e.g. {@code ENODEV} with no multicast route
     */
    public void joinMulticastV4(Inet4Address group, Inet4Address iface) throws IOException {
        membershipV4(true, group, iface);
    }

    /**
     * Leaves an IPv4 multicast group ({@code IP_DROP_MEMBERSHIP}).
     *
     * @param group the group
     * @param iface the interface it was joined on
     * @throws IOException from {@code setsockopt}, e.g. {@code EADDRNOTAVAIL} if not joined
     */
    public void leaveMulticastV4(Inet4Address group, Inet4Address iface) throws IOException {
        membershipV4(false, group, iface);
    }

    /**
     * Joins an IPv6 multicast group ({@code IPV6_JOIN_GROUP}).
     *
     * @param group          the group, e.g. ff02::1:2
     * @param interfaceIndex the interface's index ({@link java.net.NetworkInterface#getIndex()}), or 0
     * @throws IOException from {@code setsockopt}
     */
    public void joinMulticastV6(Inet6Address group, int interfaceIndex) throws IOException {
        membershipV6(true, group, interfaceIndex);
    }

    /**
     * Leaves an IPv6 multicast group ({@code IPV6_LEAVE_GROUP}).
     *
     * @param group          the group
     * @param interfaceIndex the interface it was joined on
     * @throws IOException from {@code setsockopt}
     */
    public void leaveMulticastV6(Inet6Address group, int interfaceIndex) throws IOException {
        membershipV6(false, group, interfaceIndex);
    }

    private void membershipV4(boolean join, Inet4Address group, Inet4Address iface) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(iface, "iface");
        SYS.membershipV4(fd.checkOpen(), join, group, iface);
    }

    private void membershipV6(boolean join, Inet6Address group, int interfaceIndex) throws IOException {
        Objects.requireNonNull(group, "group");
        SYS.membershipV6(fd.checkOpen(), join, group, interfaceIndex);
    }

    /**
     * Reads and clears the pending error ({@code SO_ERROR}), e.g. {@code ECONNREFUSED} after a
     * connected socket's datagram met a closed port.
     *
     * @return the error, or null if there is none: a {@link io.jmio.poll.SyscallFailure} named
     *         {@code SO_ERROR}, e.g. a {@link java.net.ConnectException} for {@code ECONNREFUSED}
     * @throws IOException if reading it fails
     */
    public IOException takeError() throws IOException {
        return SYS.takeError(fd.checkOpen());
    }

    /**
     * @return the descriptor, for diagnostics and interop; still owned by this socket
     * @throws IOException if closed
     * @throws UnsupportedOperationException on Windows (see {@link #rawHandle()})
     */
    public int rawFd() throws IOException {
        return fd.checkOpenFd();
    }

    /**
     * @return the file descriptor (Unix) or {@code SOCKET} handle (Windows); still owned by this socket
     * @throws IOException if closed
     */
    public long rawHandle() throws IOException {
        return fd.checkOpen();
    }

    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.reregister(registry, token, interests, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        fd.deregister(registry);
    }

    /**
     * Closes the socket (idempotent); the kernel drops its registrations (on Windows it is deregistered
     * first from the Poll it was last registered with, as the IOCP backend asks).
     *
     * @throws IOException from {@code close}
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "UdpSocket(" + fd + ")";
    }
}
