package io.jmio.poll.posix;

import io.jmio.poll.SyscallException;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The POSIX {@link SocketSystem}: Linux, macOS and the BSDs, over {@link Posix} and {@link SocketIo}.
 * Handles are file descriptors; addresses go through this thread's {@link NativeScratch}.
 *
 * <p>Threading: stateless; scratch memory is per thread.
 */
public final class PosixSockets extends SocketSystem {
    private static final SocketConstants SC = SocketConstants.current();
    private static final Sockaddr SOCKADDR = Sockaddr.current();

    /** Used by {@link SocketSystem#current()}. */
    public PosixSockets() {
    }

    @Override
    public String name() {
        return "posix";
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return true;
    }

    @Override
    public long open(boolean v6, boolean stream) throws IOException {
        return Posix.socket(v6 ? SC.afInet6 : SocketConstants.AF_INET, stream ? SocketConstants.SOCK_STREAM
                : SocketConstants.SOCK_DGRAM);
    }

    private static int encode(NativeScratch s, InetSocketAddress address) {
        return SOCKADDR.putInet(s.buffer, NativeScratch.SOCKADDR_OFFSET, address);
    }

    @Override
    public void bind(long s, InetSocketAddress address) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        int len = encode(scratch, address);
        Posix.bind((int) s, scratch.address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    @Override
    public void prepareListener(long s) throws IOException {
        Posix.setIntOption((int) s, SC.solSocket, SC.soReuseAddr, 1);
    }

    @Override
    public void listen(long s, int backlog) throws IOException {
        Posix.listen((int) s, backlog);
    }

    /** The peer's {@code sockaddr} goes to this thread's scratch in the same {@code accept4} call. */
    @Override
    public long accept(long s) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.putInt(NativeScratch.SOCKLEN_OFFSET, Sockaddr.STORAGE_SIZE);
        int client = Posix.accept((int) s, scratch.address + NativeScratch.SOCKADDR_OFFSET,
                scratch.address + NativeScratch.SOCKLEN_OFFSET);
        return client == Posix.NO_CONNECTION ? NO_SOCKET : client;
    }

    @Override
    public InetSocketAddress lastAcceptedPeer() {
        return SOCKADDR.getInet(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    @Override
    public boolean connect(long s, InetSocketAddress address) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        int len = encode(scratch, address);
        return Posix.connect((int) s, scratch.address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    @Override
    public int read(long s, ByteBuffer dst, boolean peek) throws IOException {
        return SocketIo.read((int) s, SocketIo.Kind.SOCKET, dst, peek ? SocketConstants.MSG_PEEK : 0);
    }

    @Override
    public long read(long s, ByteBuffer[] dsts, int offset, int length) throws IOException {
        return SocketIo.read((int) s, SocketIo.Kind.SOCKET, dsts, offset, length);
    }

    @Override
    public void drainDetection(long s, boolean on) throws IOException {
        if (on) {
            DrainAwareRead.enable((int) s, true);
        } else if (Platform.current() == Platform.LINUX) {
            DrainAwareRead.disable((int) s, true);
        }
    }

    @Override
    public long readDetectingDrain(long s, ByteBuffer dst) throws IOException {
        return DrainAwareRead.read((int) s, dst); // the same packing: low 32 bits the result, bit 32 drained
    }

    @Override
    public int write(long s, ByteBuffer src) throws IOException {
        return SocketIo.write((int) s, SocketIo.Kind.SOCKET, src, 0);
    }

    @Override
    public long write(long s, ByteBuffer[] srcs, int offset, int length) throws IOException {
        return SocketIo.write((int) s, SocketIo.Kind.SOCKET, srcs, offset, length);
    }

    @Override
    public boolean sendUrgent(long s, byte b) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        scratch.buffer.put(NativeScratch.OPTVAL_OFFSET, b);
        return Posix.send((int) s, scratch.address + NativeScratch.OPTVAL_OFFSET, 1, SocketConstants.MSG_OOB) == 1;
    }

    @Override
    public int receiveDatagram(long s, ByteBuffer dst, boolean peek) throws IOException {
        return SocketIo.receiveDatagram((int) s, dst, peek ? SocketConstants.MSG_PEEK : 0);
    }

    @Override
    public boolean lastTruncated() {
        return SocketIo.lastTruncated();
    }

    @Override
    public InetSocketAddress lastSender() {
        return SOCKADDR.getInet(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    @Override
    public int sendDatagram(long s, ByteBuffer src, InetSocketAddress target) throws IOException {
        int addrLen = target == null ? 0 : encode(NativeScratch.get(), target);
        return SocketIo.sendDatagram((int) s, src, addrLen);
    }

    @Override
    public void shutdown(long s, int how) throws IOException {
        Posix.shutdown((int) s, how);
    }

    @Override
    public IOException takeError(long s) throws IOException {
        return Posix.takeSocketError((int) s);
    }

    @Override
    public InetSocketAddress address(long s, boolean peer) throws IOException {
        Posix.socketAddress((int) s, peer);
        return SOCKADDR.getInet(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET);
    }

    /** @return {@code {level, name}} */
    private static int level(Option option) {
        switch (option) {
            case REUSE_ADDRESS: case KEEP_ALIVE: case SEND_BUFFER: case RECEIVE_BUFFER: case BROADCAST:
            case REUSE_PORT:
                return SC.solSocket;
            case TCP_NO_DELAY: case TCP_KEEP_IDLE: case TCP_KEEP_INTERVAL: case TCP_KEEP_COUNT:
                return SocketConstants.IPPROTO_TCP;
            case IP_TTL: case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP: case IP_TOS:
                return SocketConstants.IPPROTO_IP;
            default:
                return SocketConstants.IPPROTO_IPV6;
        }
    }

    private static int name(Option option) {
        switch (option) {
            case REUSE_ADDRESS: return SC.soReuseAddr;
            case KEEP_ALIVE: return SC.soKeepAlive;
            case SEND_BUFFER: return SC.soSndBuf;
            case RECEIVE_BUFFER: return SC.soRcvBuf;
            case BROADCAST: return SC.soBroadcast;
            case TCP_NO_DELAY: return SocketConstants.TCP_NODELAY;
            case IP_TTL: return SC.ipTtl;
            case IPV6_UNICAST_HOPS: return SC.ipv6UnicastHops;
            case IPV6_V6ONLY: return SC.ipv6V6Only;
            case IP_MULTICAST_TTL: return SC.ipMulticastTtl;
            case IP_MULTICAST_LOOP: return SC.ipMulticastLoop;
            case IPV6_MULTICAST_LOOP: return SC.ipv6MulticastLoop;
            case REUSE_PORT: return SC.soReusePort;
            case IP_TOS: return SC.ipTos;
            case IPV6_TCLASS: return SC.ipv6Tclass;
            case IPV6_MULTICAST_HOPS: return SC.ipv6MulticastHops;
            case TCP_KEEP_IDLE: return SC.tcpKeepIdle;
            case TCP_KEEP_INTERVAL: return SC.tcpKeepInterval;
            case TCP_KEEP_COUNT: return SC.tcpKeepCount;
            default: throw new AssertionError(option);
        }
    }

    @Override
    public boolean supports(Option option) {
        return name(option) != SocketConstants.NONE;
    }

    private int supportedName(Option option) {
        int name = name(option);
        if (name == SocketConstants.NONE) {
            throw new UnsupportedOperationException(option + " is not supported on " + SC.platform);
        }
        return name;
    }

    @Override
    public void setOption(long s, Option option, int value) throws IOException {
        Posix.setIntOption((int) s, level(option), supportedName(option), value);
    }

    @Override
    public int option(long s, Option option) throws IOException {
        return Posix.getIntOption((int) s, level(option), supportedName(option));
    }

    /** {@code struct linger {int l_onoff; int l_linger;}}, seconds. */
    @Override
    public void setLinger(long s, int seconds) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        SockoptDescriptor.putLinger(scratch.buffer, NativeScratch.OPTVAL_OFFSET, seconds);
        Posix.setOption((int) s, SC.solSocket, SC.soLinger, scratch.address + NativeScratch.OPTVAL_OFFSET,
                SockoptDescriptor.LINGER_SIZE);
    }

    @Override
    public int linger(long s) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        Posix.getOption((int) s, SC.solSocket, SC.soLinger, scratch.address + NativeScratch.OPTVAL_OFFSET,
                SockoptDescriptor.LINGER_SIZE);
        return SockoptDescriptor.lingerSeconds(scratch.buffer, NativeScratch.OPTVAL_OFFSET);
    }

    /** {@code struct ip_mreq {struct in_addr imr_multiaddr; struct in_addr imr_interface;}}: 8 bytes. */
    @Override
    public void membershipV4(long s, boolean join, Inet4Address group, Inet4Address iface) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        SockoptDescriptor.putIpMreq(scratch.buffer, NativeScratch.SOCKADDR_OFFSET, group, iface);
        Posix.setOption((int) s, SocketConstants.IPPROTO_IP, join ? SC.ipAddMembership : SC.ipDropMembership,
                scratch.address + NativeScratch.SOCKADDR_OFFSET, SockoptDescriptor.IP_MREQ_SIZE);
    }

    /** {@code struct ipv6_mreq {struct in6_addr ipv6mr_multiaddr; unsigned ipv6mr_interface;}}: 20 bytes. */
    @Override
    public void membershipV6(long s, boolean join, InetAddress group, int interfaceIndex) throws IOException {
        NativeScratch scratch = NativeScratch.get();
        SockoptDescriptor.putIpv6Mreq(scratch.buffer, NativeScratch.SOCKADDR_OFFSET, group, interfaceIndex);
        Posix.setOption((int) s, SocketConstants.IPPROTO_IPV6, join ? SC.ipv6JoinGroup : SC.ipv6LeaveGroup,
                scratch.address + NativeScratch.SOCKADDR_OFFSET, SockoptDescriptor.IPV6_MREQ_SIZE);
    }

    @Override
    public void close(long s) throws IOException {
        Posix.close((int) s);
    }

    @Override
    public String describe(long s) {
        return "fd " + s;
    }
}
