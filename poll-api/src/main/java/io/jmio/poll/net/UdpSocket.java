package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.NativeScratch;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;

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
    private static final SocketConstants SC = SocketConstants.current();

    private final OwnedFd fd;
    private final SourceFd source;
    private final boolean v6;

    private UdpSocket(int fd, boolean v6) {
        this.fd = new OwnedFd(fd);
        this.source = this.fd.source();
        this.v6 = v6;
    }

    /**
     * @param address a resolved local address; port 0 picks a free port
     * @return the bound socket
     * @throws IOException e.g. {@code bind: EADDRINUSE}
     */
    public static UdpSocket bind(InetSocketAddress address) throws IOException {
        InetSockets.checkResolved(address);
        int fd = InetSockets.open(address, SocketConstants.SOCK_DGRAM);
        try {
            InetSockets.bind(fd, address);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd, e);
            throw e;
        }
        return new UdpSocket(fd, InetSockets.isV6(address));
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
        int fdNum = fd.checkOpen();
        InetSockets.checkResolved(target);
        int addrLen = InetSockets.encode(NativeScratch.get(), target);
        return SocketIo.sendDatagram(fdNum, src, addrLen);
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
        return receiveFrom(dst, 0);
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
        return receiveFrom(dst, SocketConstants.MSG_PEEK);
    }

    private InetSocketAddress receiveFrom(ByteBuffer dst, int flags) throws IOException {
        int n = SocketIo.receiveDatagram(fd.checkOpen(), dst, flags);
        if (n < 0) {
            return null;
        }
        InetSocketAddress sender = InetSockets.lastSender();
        if (SocketIo.lastTruncated()) {
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
        InetSockets.connect(fd.checkOpen(), peer);
    }

    /**
     * Sends one datagram to the connected peer.
     *
     * @param src the datagram
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code send: ECONNREFUSED} after an ICMP port-unreachable
     */
    public int send(ByteBuffer src) throws IOException {
        return SocketIo.sendDatagram(fd.checkOpen(), src, 0);
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
        return receive(dst, 0);
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
        return receive(dst, SocketConstants.MSG_PEEK);
    }

    private int receive(ByteBuffer dst, int flags) throws IOException {
        int n = SocketIo.receiveDatagram(fd.checkOpen(), dst, flags);
        if (n >= 0 && SocketIo.lastTruncated()) {
            throw new TruncatedDatagramException(n, null);
        }
        return n;
    }

    /**
     * @return the local address
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return InetSockets.address(fd.checkOpen(), false);
    }

    /**
     * @return the connected peer
     * @throws IOException {@code getpeername: ENOTCONN} if not connected
     */
    public InetSocketAddress peerAddress() throws IOException {
        return InetSockets.address(fd.checkOpen(), true);
    }

    /**
     * @param on whether datagrams may go to broadcast addresses ({@code SO_BROADCAST})
     * @throws IOException from {@code setsockopt}
     */
    public void setBroadcast(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), SC.solSocket, SC.soBroadcast, on);
    }

    /**
     * @return whether {@code SO_BROADCAST} is set
     * @throws IOException from {@code getsockopt}
     */
    public boolean broadcast() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), SC.solSocket, SC.soBroadcast);
    }

    /**
     * @return for an IPv6 socket, whether it refuses IPv4-mapped traffic ({@code IPV6_V6ONLY}; the
     *         system default, {@code net.ipv6.bindv6only} on Linux, as {@link #bind} does not set it)
     * @throws IOException from {@code getsockopt}, e.g. {@code ENOPROTOOPT} on an IPv4 socket
     */
    public boolean onlyV6() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), SocketConstants.IPPROTO_IPV6, SC.ipv6V6Only);
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
        Posix.setIntOption(fd.checkOpen(), SocketConstants.IPPROTO_IP, SC.ipMulticastTtl, ttl);
    }

    /**
     * @return the IPv4 multicast time-to-live
     * @throws IOException from {@code getsockopt}
     */
    public int multicastTtlV4() throws IOException {
        return Posix.getIntOption(fd.checkOpen(), SocketConstants.IPPROTO_IP, SC.ipMulticastTtl);
    }

    /**
     * @param on whether this host's own IPv4 multicast datagrams loop back to it ({@code IP_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV4(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), SocketConstants.IPPROTO_IP, SC.ipMulticastLoop, on);
    }

    /**
     * @return whether IPv4 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV4() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), SocketConstants.IPPROTO_IP, SC.ipMulticastLoop);
    }

    /**
     * @param on whether this host's own IPv6 multicast datagrams loop back ({@code IPV6_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV6(boolean on) throws IOException {
        InetSockets.setBoolean(fd.checkOpen(), SocketConstants.IPPROTO_IPV6, SC.ipv6MulticastLoop, on);
    }

    /**
     * @return whether IPv6 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV6() throws IOException {
        return InetSockets.getBoolean(fd.checkOpen(), SocketConstants.IPPROTO_IPV6, SC.ipv6MulticastLoop);
    }

    /**
     * Joins an IPv4 multicast group ({@code IP_ADD_MEMBERSHIP}).
     *
     * @param group     the group, e.g. 239.1.2.3
     * @param iface     the local interface's address, or 0.0.0.0 for the kernel's choice
     * @throws IOException from {@code setsockopt}, e.g. {@code ENODEV} with no multicast route
     */
    public void joinMulticastV4(Inet4Address group, Inet4Address iface) throws IOException {
        membershipV4(SC.ipAddMembership, group, iface);
    }

    /**
     * Leaves an IPv4 multicast group ({@code IP_DROP_MEMBERSHIP}).
     *
     * @param group the group
     * @param iface the interface it was joined on
     * @throws IOException from {@code setsockopt}, e.g. {@code EADDRNOTAVAIL} if not joined
     */
    public void leaveMulticastV4(Inet4Address group, Inet4Address iface) throws IOException {
        membershipV4(SC.ipDropMembership, group, iface);
    }

    /**
     * Joins an IPv6 multicast group ({@code IPV6_JOIN_GROUP}).
     *
     * @param group          the group, e.g. ff02::1:2
     * @param interfaceIndex the interface's index ({@link java.net.NetworkInterface#getIndex()}), or 0
     * @throws IOException from {@code setsockopt}
     */
    public void joinMulticastV6(Inet6Address group, int interfaceIndex) throws IOException {
        membershipV6(SC.ipv6JoinGroup, group, interfaceIndex);
    }

    /**
     * Leaves an IPv6 multicast group ({@code IPV6_LEAVE_GROUP}).
     *
     * @param group          the group
     * @param interfaceIndex the interface it was joined on
     * @throws IOException from {@code setsockopt}
     */
    public void leaveMulticastV6(Inet6Address group, int interfaceIndex) throws IOException {
        membershipV6(SC.ipv6LeaveGroup, group, interfaceIndex);
    }

    /** {@code struct ip_mreq {struct in_addr imr_multiaddr; struct in_addr imr_interface;}}: 8 bytes. */
    private void membershipV4(int option, Inet4Address group, Inet4Address iface) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(iface, "iface");
        int fdNum = fd.checkOpen();
        NativeScratch s = NativeScratch.get();
        byte[] g = group.getAddress();
        byte[] i = iface.getAddress();
        for (int k = 0; k < 4; k++) {
            s.buffer.put(NativeScratch.SOCKADDR_OFFSET + k, g[k]);
            s.buffer.put(NativeScratch.SOCKADDR_OFFSET + 4 + k, i[k]);
        }
        Posix.setOption(fdNum, SocketConstants.IPPROTO_IP, option, s.address + NativeScratch.SOCKADDR_OFFSET, 8);
    }

    /** {@code struct ipv6_mreq {struct in6_addr ipv6mr_multiaddr; unsigned ipv6mr_interface;}}: 20 bytes. */
    private void membershipV6(int option, Inet6Address group, int interfaceIndex) throws IOException {
        Objects.requireNonNull(group, "group");
        int fdNum = fd.checkOpen();
        NativeScratch s = NativeScratch.get();
        byte[] g = group.getAddress();
        for (int k = 0; k < 16; k++) {
            s.buffer.put(NativeScratch.SOCKADDR_OFFSET + k, g[k]);
        }
        s.buffer.putInt(NativeScratch.SOCKADDR_OFFSET + 16, interfaceIndex);
        Posix.setOption(fdNum, SocketConstants.IPPROTO_IPV6, option, s.address + NativeScratch.SOCKADDR_OFFSET, 20);
    }

    /**
     * Reads and clears the pending error ({@code SO_ERROR}), e.g. {@code ECONNREFUSED} after a
     * connected socket's datagram met a closed port.
     *
     * @return the error, or null if there is none
     * @throws IOException if reading it fails
     */
    public SyscallException takeError() throws IOException {
        return Posix.takeSocketError(fd.checkOpen());
    }

    /**
     * @return the descriptor, for diagnostics and interop; still owned by this socket
     * @throws IOException if closed
     */
    public int rawFd() throws IOException {
        return fd.checkOpen();
    }

    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.checkOpen();
        source.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        fd.checkOpen();
        source.reregister(registry, token, interests, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        fd.checkOpen();
        source.deregister(registry);
    }

    /**
     * Closes the socket (idempotent); the kernel drops its registrations.
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
