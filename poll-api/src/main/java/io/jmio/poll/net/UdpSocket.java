package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.Adoption;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.spi.SocketSystem;
import io.jmio.poll.spi.SocketSystem.Option;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import io.jmio.poll.spi.OptionMapping;
import java.net.SocketOption;
import java.util.Set;

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
 * <p>Threading: not thread-safe; use it from one thread at a time, except {@link #close()}, which is
 * safe from any thread at any time (an operation in flight finishes first; the last one out
 * releases the descriptor). It may be registered, reregistered
 * and deregistered through any {@link Registry}.
 */
public final class UdpSocket implements Source, AutoCloseable, io.jmio.poll.spi.Guarded {
    private static final SocketSystem SYS = NetSocket.SYS;

    private final NetSocket fd;
    private static final SocketConfig NO_OPTIONS = SocketConfig.create();

    private final boolean v6;
    /** Whether the last {@link #receiveFromTruncating}/{@link #receiveTruncating} cut its datagram. */
    private boolean lastTruncated;

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
        return bind(address, NO_OPTIONS);
    }

    /**
     * Opens a socket, sets {@code options} (e.g. {@code SO_REUSEPORT}, {@code IPV6_V6ONLY},
     * {@code SO_RCVBUF}), then binds it.
     *
     * @param address a resolved address; port 0 picks a free port
     * @param options options to set before binding
     * @return the socket
     * @throws IOException                   e.g. {@code bind: EADDRINUSE}
     * @throws UnsupportedOperationException if an option is not a UDP socket's or the OS lacks it
     */
    public static UdpSocket bind(InetSocketAddress address, SocketConfig options) throws IOException {
        Objects.requireNonNull(options, "options");
        InetSockets.checkResolved(address);
        boolean v6 = InetSockets.isV6(address);
        long fd = SYS.open(v6, false);
        try {
            OptionMapping.apply(SYS, fd, OptionMapping.Kind.UDP, v6, options);
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
        InetSockets.checkResolved(target);
        long h = fd.acquire();
        try {
            return sent(SYS.sendDatagram(h, src, target), src);
        } finally {
            fd.release();
        }
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

    /**
     * As {@link #receiveFrom}, but a datagram longer than the buffer's room is cut without an exception
     * (as mio and the JDK's {@code DatagramChannel.receive} do): the buffer holds its first bytes and
     * {@link #lastReceiveTruncated()} says so. For a peer that controls how often truncation happens,
     * this builds no exception per datagram.
     *
     * @param dst the buffer, filled from its position
     * @return the sender, or null if no datagram is waiting (would block)
     * @throws IOException from {@code recvmsg}
     */
    public InetSocketAddress receiveFromTruncating(ByteBuffer dst) throws IOException {
        if (receiveRaw(dst, false) < 0) {
            return null;
        }
        lastTruncated = SYS.lastTruncated();
        return SYS.lastSender();
    }

    /**
     * As {@link #receive}, but a datagram longer than the buffer's room is cut without an exception;
     * {@link #lastReceiveTruncated()} says whether it was.
     *
     * @param dst the buffer
     * @return the bytes put into {@code dst}, or -1 if none is waiting (would block)
     * @throws IOException from {@code recvmsg}
     */
    public int receiveTruncating(ByteBuffer dst) throws IOException {
        int n = receiveRaw(dst, false);
        if (n >= 0) {
            lastTruncated = SYS.lastTruncated();
        }
        return n;
    }

    /** @return whether the datagram of the last {@code receive*Truncating} call was longer than the buffer */
    public boolean lastReceiveTruncated() {
        return lastTruncated;
    }

    /**
     * One datagram receive inside the close guard; would-block re-arms (Windows). The truncation flag
     * and sender are this thread's, read from the socket system after it.
     *
     * @return the datagram's length, or -1 if none is waiting
     */
    private int receiveRaw(ByteBuffer dst, boolean peek) throws IOException {
        long h = fd.acquire();
        try {
            int n = SYS.receiveDatagram(h, dst, peek);
            if (n < 0) {
                fd.wouldBlock(Interest.READABLE);
            }
            return n;
        } finally {
            fd.release();
        }
    }

    private InetSocketAddress receiveFrom(ByteBuffer dst, boolean peek) throws IOException {
        int n = receiveRaw(dst, peek);
        if (n < 0) {
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
        fd.run(h -> SYS.connect(h, peer));
    }

    /**
     * Sends one datagram to the connected peer.
     *
     * @param src the datagram
     * @return the bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code send: ECONNREFUSED} after an ICMP port-unreachable
     */
    public int send(ByteBuffer src) throws IOException {
        long h = fd.acquire();
        try {
            return sent(SYS.sendDatagram(h, src, null), src);
        } finally {
            fd.release();
        }
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
        int n = receiveRaw(dst, peek);
        if (n < 0) {
            return n;
        }
        if (SYS.lastTruncated()) {
            throw new TruncatedDatagramException(n, null);
        }
        return n;
    }

    /**
     * @return the local address
     * @throws IOException from {@code getsockname}
     */
    public InetSocketAddress localAddress() throws IOException {
        return fd.call(h -> SYS.address(h, false));
    }

    /**
     * @return the connected peer
     * @throws IOException {@code getpeername: ENOTCONN} if not connected
     */
    public InetSocketAddress peerAddress() throws IOException {
        return fd.call(h -> SYS.address(h, true));
    }

    /**
     * @param on whether datagrams may go to broadcast addresses ({@code SO_BROADCAST})
     * @throws IOException from {@code setsockopt}
     */
    public void setBroadcast(boolean on) throws IOException {
        fd.run(h -> InetSockets.setBoolean(h, Option.BROADCAST, on));
    }

    /**
     * @return whether {@code SO_BROADCAST} is set
     * @throws IOException from {@code getsockopt}
     */
    public boolean broadcast() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.BROADCAST));
    }

    /**
     * @return for an IPv6 socket, whether it refuses IPv4-mapped traffic ({@code IPV6_V6ONLY}; the
     *         system default, {@code net.ipv6.bindv6only} on Linux, as {@link #bind} does not set it)
     * @throws IOException from {@code getsockopt}, e.g. {@code ENOPROTOOPT} on an IPv4 socket
     */
    public boolean onlyV6() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.IPV6_V6ONLY));
    }

    /**
     * @param ttl the unicast time-to-live (hop limit for IPv6), 0..255
     * @throws IOException from {@code setsockopt}
     */
    public void setTtl(int ttl) throws IOException {
        fd.run(h -> InetSockets.setTtl(h, v6, ttl));
    }

    /**
     * @return the unicast time-to-live (hop limit for IPv6)
     * @throws IOException from {@code getsockopt}
     */
    public int ttl() throws IOException {
        return fd.call(h -> InetSockets.ttl(h, v6));
    }

    /**
     * @param ttl the IPv4 multicast time-to-live, 0..255 ({@code IP_MULTICAST_TTL})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastTtlV4(int ttl) throws IOException {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl " + ttl + " is not in 0..255");
        }
        fd.run(h -> SYS.setOption(h, Option.IP_MULTICAST_TTL, ttl));
    }

    /**
     * @return the IPv4 multicast time-to-live
     * @throws IOException from {@code getsockopt}
     */
    public int multicastTtlV4() throws IOException {
        return fd.call(h -> SYS.option(h, Option.IP_MULTICAST_TTL));
    }

    /**
     * @param on whether this host's own IPv4 multicast datagrams loop back to it ({@code IP_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV4(boolean on) throws IOException {
        fd.run(h -> InetSockets.setBoolean(h, Option.IP_MULTICAST_LOOP, on));
    }

    /**
     * @return whether IPv4 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV4() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.IP_MULTICAST_LOOP));
    }

    /**
     * @param on whether this host's own IPv6 multicast datagrams loop back ({@code IPV6_MULTICAST_LOOP})
     * @throws IOException from {@code setsockopt}
     */
    public void setMulticastLoopV6(boolean on) throws IOException {
        fd.run(h -> InetSockets.setBoolean(h, Option.IPV6_MULTICAST_LOOP, on));
    }

    /**
     * @return whether IPv6 multicast loops back
     * @throws IOException from {@code getsockopt}
     */
    public boolean multicastLoopV6() throws IOException {
        return fd.call(h -> InetSockets.getBoolean(h, Option.IPV6_MULTICAST_LOOP));
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
        fd.run(h -> SYS.membershipV4(h, join, group, iface));
    }

    private void membershipV6(boolean join, Inet6Address group, int interfaceIndex) throws IOException {
        Objects.requireNonNull(group, "group");
        fd.run(h -> SYS.membershipV6(h, join, group, interfaceIndex));
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
        return fd.call(h -> SYS.takeError(h));
    }

    /**
     * Sets a socket option, as {@link java.nio.channels.NetworkChannel#setOption} does: one of
     * {@link #supportedOptions()} ({@link java.net.StandardSocketOptions}, {@link JmioSocketOptions}).
     *
     * @param name  the option
     * @param value its value
     * @param <T>   its type
     * @return this
     * @throws UnsupportedOperationException if this socket type does not take the option, or the OS lacks it
     * @throws IllegalArgumentException      if the value is null or out of range
     * @throws IOException                   from {@code setsockopt}, or if closed
     */
    public <T> UdpSocket setOption(SocketOption<T> name, T value) throws IOException {
        fd.run(h -> OptionMapping.set(SYS, h, OptionMapping.Kind.UDP, v6, name, value)); // inside the guard: never on a reused number
        return this;
    }

    /**
     * Reads a socket option, as {@link java.nio.channels.NetworkChannel#getOption} does.
     *
     * @param name the option
     * @param <T>  its type
     * @return its value ({@code SO_LINGER}: seconds, -1 if off; buffer sizes as the kernel reports them,
     *         which Linux doubles)
     * @throws UnsupportedOperationException if this socket type does not take the option, or the OS lacks it
     * @throws IOException                   from {@code getsockopt}, or if closed
     */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return fd.call(h -> OptionMapping.get(SYS, h, OptionMapping.Kind.UDP, v6, name));
    }

    /** @return the options {@link #setOption} takes on this socket, on this OS */
    public Set<SocketOption<?>> supportedOptions() {
        return OptionMapping.supported(SYS, OptionMapping.Kind.UDP, v6);
    }

    /**
     * Adopts a UDP descriptor jmio did not open (inherited, passed by native code, or from
     * {@link io.jmio.poll.unix.SocketActivation}): its kind is checked with the kernel (family, type and
     * listening state, so a datagram or listening socket is refused), then it is made non-blocking and
     * close-on-exec, and this object owns it from then on. A descriptor that fails a check is left open
     * and remains the caller's.
     *
     * @param fd an open socket descriptor
     * @return the UdpSocket, owning {@code fd}
     * @throws IllegalArgumentException      if {@code fd} is not such a socket
     * @throws UnsupportedOperationException on Windows, whose sockets are not descriptors
     * @throws IOException                   from the checking calls, e.g. {@code EBADF}
     */
    public static UdpSocket fromFd(int fd) throws IOException {
        InetSockets.checkDescriptors("UdpSocket.fromFd");
        boolean v6 = Adoption.adopt(fd, Adoption.Family.INET, SocketConstants.SOCK_DGRAM, false, "UdpSocket");
        return new UdpSocket(fd, v6);
    }

    /**
     * Takes the socket out of a JDK {@link java.nio.channels.DatagramChannel}: the channel's descriptor is duplicated and adopted as
     * {@link #fromFd} does, and the channel is closed; the socket itself stays open, now owned by the
     * returned object. Reaching the descriptor needs what {@link ChannelSource} needs
     * ({@value ChannelSource#REQUIRED_FLAG}).
     *
     * @param channel an open channel
     * @return the UdpSocket
     * @throws IllegalArgumentException      if the channel's socket is not of this kind
     * @throws UnsupportedOperationException if the descriptor cannot be reached, or on Windows
     * @throws IOException                   from the calls
     */
    public static UdpSocket fromChannel(java.nio.channels.DatagramChannel channel) throws IOException {
        InetSockets.checkDescriptors("UdpSocket.fromChannel");
        int fd = Adoption.fromChannel(channel, Adoption.Family.INET, SocketConstants.SOCK_DGRAM, false, "UdpSocket");
        return new UdpSocket(fd, Adoption.isInet6(fd));
    }

    /**
     * Hands the socket back: this object forgets it without closing it (it then acts as closed) and the
     * caller owns the descriptor. Operations in flight finish first, and a registration made through
     * this object is removed (the caller registers the descriptor anew if it wants).
     *
     * @return the descriptor
     * @throws IOException                   if closed or released already
     * @throws UnsupportedOperationException on Windows (see {@link #releaseHandle()})
     */
    public int releaseFd() throws IOException {
        InetSockets.checkDescriptors("UdpSocket.releaseFd");
        return (int) fd.detach();
    }

    /**
     * Hands the socket back as {@link #releaseFd()} does, on any OS (the socket is first
     * deregistered from the Poll it was registered with, as {@link #close()} does).
     *
     * @return the file descriptor (Unix) or {@code SOCKET} handle (Windows)
     * @throws IOException if closed or released already
     */
    public long releaseHandle() throws IOException {
        return fd.detach();
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
    public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        fd.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
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

    /** For completion backends (see {@link io.jmio.poll.spi.Guarded}); not for applications. */
    @Override
    public io.jmio.poll.spi.HandleGuard guard() {
        return fd;
    }

    @Override
    public String toString() {
        return "UdpSocket(" + fd + ")";
    }
}
