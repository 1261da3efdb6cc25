package io.jmio.poll.posix;

/**
 * The socket constants that differ between Unix systems, resolved once per OS: address families,
 * socket-type flags, option levels and names, and {@code send}/{@code recv} flags.
 *
 * <p>Values follow Linux's {@code bits/socket.h}, {@code asm-generic/socket.h}, {@code netinet/in.h} and
 * {@code netinet/tcp.h} (x86_64 and aarch64 agree), and the BSDs' {@code sys/socket.h} and
 * {@code netinet/in.h}, {@code netinet6/in6.h}, {@code netinet/tcp.h}. A value an OS lacks is
 * {@link #NONE}. The constants that every Unix shares ({@code AF_UNIX}, {@code SOCK_STREAM},
 * {@code SHUT_*}, {@code MSG_OOB}, {@code MSG_PEEK}, {@code IPPROTO_TCP}) are plain static fields.
 *
 * <p>Threading: immutable.
 */
public final class SocketConstants {
    /** A constant the OS does not have. */
    public static final int NONE = -1;

    /** {@code AF_UNIX}. */
    public static final int AF_UNIX = 1;
    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SHUT_RD}. */
    public static final int SHUT_RD = 0;
    /** {@code SHUT_WR}. */
    public static final int SHUT_WR = 1;
    /** {@code SHUT_RDWR}. */
    public static final int SHUT_RDWR = 2;
    /** {@code MSG_OOB}. */
    public static final int MSG_OOB = 1;
    /** {@code MSG_PEEK}. */
    public static final int MSG_PEEK = 2;
    /** {@code IPPROTO_IP}. */
    public static final int IPPROTO_IP = 0;
    /** {@code IPPROTO_TCP}. */
    public static final int IPPROTO_TCP = 6;
    /** {@code IPPROTO_IPV6}. */
    public static final int IPPROTO_IPV6 = 41;
    /** {@code TCP_NODELAY}. */
    public static final int TCP_NODELAY = 1;

    private static final SocketConstants CURRENT = forPlatform(Platform.current());

    /** The OS these values are for. */
    public final Platform platform;
    /** {@code AF_INET6}: 10 on Linux, 30 on macOS, 28 on FreeBSD and DragonFly, 24 on Net/OpenBSD. */
    public final int afInet6;
    /** {@code SOCK_NONBLOCK} for {@code socket}/{@code accept4} (OpenBSD's own value), or {@link #NONE} (macOS). */
    public final int sockNonBlock;
    /** {@code SOCK_CLOEXEC} for {@code socket}/{@code accept4}, or {@link #NONE} (macOS). */
    public final int sockCloexec;
    /** {@code SOL_SOCKET}: 1 on Linux, 0xffff on the BSDs. */
    public final int solSocket;
    /** {@code SO_REUSEADDR}. */
    public final int soReuseAddr;
    /** {@code SO_REUSEPORT}. */
    public final int soReusePort;
    /** {@code SO_ERROR}. */
    public final int soError;
    /** {@code SO_BROADCAST}. */
    public final int soBroadcast;
    /** {@code SO_SNDBUF}. */
    public final int soSndBuf;
    /** {@code SO_RCVBUF}. */
    public final int soRcvBuf;
    /** {@code SO_KEEPALIVE}. */
    public final int soKeepAlive;
    /** {@code SO_LINGER} in seconds ({@code SO_LINGER_SEC} on macOS, whose {@code SO_LINGER} counts ticks). */
    public final int soLinger;
    /**
     * {@code SO_NOSIGPIPE} (macOS), or {@link #NONE}. Recent XNU headers define {@code MSG_NOSIGNAL}
     * too, older macOS releases do not, so jmio sets this option on every socket there instead.
     */
    public final int soNoSigPipe;
    /** {@code IP_TTL}. */
    public final int ipTtl;
    /** {@code IP_MULTICAST_TTL}. */
    public final int ipMulticastTtl;
    /** {@code IP_MULTICAST_LOOP}. */
    public final int ipMulticastLoop;
    /** {@code IP_ADD_MEMBERSHIP}. */
    public final int ipAddMembership;
    /** {@code IP_DROP_MEMBERSHIP}. */
    public final int ipDropMembership;
    /** {@code IPV6_UNICAST_HOPS}. */
    public final int ipv6UnicastHops;
    /** {@code IPV6_MULTICAST_LOOP}. */
    public final int ipv6MulticastLoop;
    /** {@code IPV6_JOIN_GROUP} ({@code IPV6_ADD_MEMBERSHIP} on Linux). */
    public final int ipv6JoinGroup;
    /** {@code IPV6_LEAVE_GROUP} ({@code IPV6_DROP_MEMBERSHIP} on Linux). */
    public final int ipv6LeaveGroup;
    /** {@code IPV6_V6ONLY}. */
    public final int ipv6V6Only;
    /** {@code TCP_KEEPIDLE} ({@code TCP_KEEPALIVE} on macOS), or {@link #NONE} (OpenBSD). */
    public final int tcpKeepIdle;
    /** {@code MSG_TRUNC} as reported in {@code msghdr.msg_flags}. */
    public final int msgTrunc;
    /** {@code MSG_DONTWAIT}. */
    public final int msgDontWait;
    /** {@code MSG_NOSIGNAL}, or 0 where the OS has none and {@link #soNoSigPipe} is used instead. */
    public final int msgNoSignal;

    private SocketConstants(Platform platform) {
        this.platform = platform;
        if (platform == Platform.LINUX) {
            afInet6 = 10;
            sockNonBlock = 0x800;       // 04000, = O_NONBLOCK
            sockCloexec = 0x80000;      // 02000000, = O_CLOEXEC
            solSocket = 1;
            soReuseAddr = 2;
            soError = 4;
            soBroadcast = 6;
            soSndBuf = 7;
            soRcvBuf = 8;
            soKeepAlive = 9;
            soLinger = 13;
            soReusePort = 15;
            soNoSigPipe = NONE;
            ipTtl = 2;
            ipMulticastTtl = 33;
            ipMulticastLoop = 34;
            ipAddMembership = 35;
            ipDropMembership = 36;
            ipv6UnicastHops = 16;
            ipv6MulticastLoop = 19;
            ipv6JoinGroup = 20;
            ipv6LeaveGroup = 21;
            ipv6V6Only = 26;
            tcpKeepIdle = 4;
            msgTrunc = 0x20;
            msgDontWait = 0x40;
            msgNoSignal = 0x4000;
        } else {
            // The BSD family; macOS differs where noted.
            afInet6 = switch (platform) {
                case DARWIN -> 30;
                case FREEBSD, DRAGONFLY -> 28;
                default -> 24;
            };
            if (platform == Platform.DARWIN) {
                sockNonBlock = NONE;
                sockCloexec = NONE;
            } else if (platform == Platform.OPENBSD) {
                sockNonBlock = 0x4000;
                sockCloexec = 0x8000;
            } else {
                sockNonBlock = 0x20000000;  // FreeBSD, NetBSD, DragonFly
                sockCloexec = 0x10000000;
            }
            solSocket = 0xffff;
            soReuseAddr = 0x4;
            soKeepAlive = 0x8;
            soBroadcast = 0x20;
            soReusePort = 0x200;
            soSndBuf = 0x1001;
            soRcvBuf = 0x1002;
            soError = 0x1007;
            soLinger = platform == Platform.DARWIN ? 0x1080 : 0x80;
            soNoSigPipe = platform == Platform.DARWIN ? 0x1022 : NONE;
            ipTtl = 4;
            ipMulticastTtl = 10;
            ipMulticastLoop = 11;
            ipAddMembership = 12;
            ipDropMembership = 13;
            ipv6UnicastHops = 4;
            ipv6MulticastLoop = 11;
            ipv6JoinGroup = 12;
            ipv6LeaveGroup = 13;
            ipv6V6Only = 27;
            tcpKeepIdle = switch (platform) {
                case DARWIN -> 0x10;        // TCP_KEEPALIVE
                case NETBSD -> 3;
                case OPENBSD -> NONE;       // no per-socket keep-alive idle time
                default -> 256;             // FreeBSD, DragonFly
            };
            msgTrunc = 0x10;
            msgDontWait = 0x80;
            msgNoSignal = switch (platform) {
                case DARWIN -> 0;
                case FREEBSD -> 0x20000;
                default -> 0x400;  // NetBSD, OpenBSD, DragonFly
            };
        }
    }

    /**
     * @param platform an OS
     * @return its constants (the BSD family's for anything that is not Linux)
     */
    public static SocketConstants forPlatform(Platform platform) {
        return new SocketConstants(platform);
    }

    /** @return the running OS's constants */
    public static SocketConstants current() {
        return CURRENT;
    }
}
