package io.jmio.poll.spi;

import io.jmio.poll.SyscallException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The operating system's socket calls as jmio's network types ({@code io.jmio.poll.net}) need them:
 * one implementation per socket API, chosen once per process by {@link #current()}. The POSIX one
 * ({@code io.jmio.poll.posix.PosixSockets}, in this module because the two Unix backends share it)
 * serves Linux, macOS and the BSDs; the Winsock one lives in poll-iocp with the rest of the Windows
 * code.
 *
 * <p><b>Who supplies it.</b> A socket exists before it is registered, so the network types cannot ask a
 * {@link Selector} which socket API to use: the choice belongs to the operating system, not to the
 * backend. The module that owns the running OS supplies it through a {@link SocketSystemProvider}
 * (found by {@link java.util.ServiceLoader}, in this class's loader and then the thread's context
 * loader). With no such module on the class path, {@link #current()} returns a socket system whose
 * every operation fails with an {@link IOException} that says which module to add, so a network type
 * reports it from its first call instead of failing to initialise.
 *
 * <p><b>Handles</b> are {@code long}s: file descriptors on Unix, 64-bit {@code SOCKET} handles on
 * Windows. {@link #handlesAreFileDescriptors()} says which, and so whether a socket registers as a
 * {@link io.jmio.poll.SourceFd} or as a {@link io.jmio.poll.SourceSocket} (which re-arms
 * edge-triggered IOCP registrations after an operation would block).
 *
 * <p><b>Conventions</b> (the JDK channels'): stream reads return the bytes read, 0 if they would
 * block, -1 at end of stream; writes return the bytes written, 0 if they would block; datagram
 * receives return the length, -1 if they would block; {@link #accept} returns {@link #NO_SOCKET} if
 * nothing is pending. Failures of socket calls are built by {@link SyscallErrors#socketError} from
 * portable errno names ({@code ECONNREFUSED}, {@code EADDRINUSE}, ...), the native name in the
 * message: {@code ConnectException}, {@code BindException}, {@code SocketException} subclasses that
 * implement {@link io.jmio.poll.SyscallFailure}.
 *
 * <p><b>Selection.</b> The system property {@value #PROPERTY} may name an implementation class (public,
 * with a public no-argument constructor) that replaces the provider's choice; it exists for tests that
 * run the Windows code path over an emulation on Linux, and is read once.
 *
 * <p>Threading: implementations are stateless or per-thread; every method may be called from any
 * thread. {@link #lastTruncated()} and {@link #lastSender()} report the calling thread's last
 * datagram receive.
 */
public abstract class SocketSystem {
    /** The system property that overrides {@link #current()} (a class name); for tests. */
    public static final String PROPERTY = "jmio.sockets";
    /** Returned by {@link #accept} when no connection is pending. */
    public static final long NO_SOCKET = -1;

    /** The integer socket options jmio's types use, named portably; each system maps them to its level and name. */
    public enum Option {
        /** {@code SOL_SOCKET/SO_REUSEADDR}. */
        REUSE_ADDRESS,
        /** {@code SOL_SOCKET/SO_KEEPALIVE}. */
        KEEP_ALIVE,
        /** {@code SOL_SOCKET/SO_SNDBUF}. */
        SEND_BUFFER,
        /** {@code SOL_SOCKET/SO_RCVBUF}. */
        RECEIVE_BUFFER,
        /** {@code SOL_SOCKET/SO_BROADCAST}. */
        BROADCAST,
        /** {@code IPPROTO_TCP/TCP_NODELAY}. */
        TCP_NO_DELAY,
        /** {@code IPPROTO_IP/IP_TTL}. */
        IP_TTL,
        /** {@code IPPROTO_IPV6/IPV6_UNICAST_HOPS}. */
        IPV6_UNICAST_HOPS,
        /** {@code IPPROTO_IPV6/IPV6_V6ONLY}. */
        IPV6_V6ONLY,
        /** {@code IPPROTO_IP/IP_MULTICAST_TTL}. */
        IP_MULTICAST_TTL,
        /** {@code IPPROTO_IP/IP_MULTICAST_LOOP}. */
        IP_MULTICAST_LOOP,
        /** {@code IPPROTO_IPV6/IPV6_MULTICAST_LOOP}. */
        IPV6_MULTICAST_LOOP,
        /** {@code SOL_SOCKET/SO_REUSEPORT} (none on Windows). */
        REUSE_PORT,
        /** {@code IPPROTO_IP/IP_TOS}. */
        IP_TOS,
        /** {@code IPPROTO_IPV6/IPV6_TCLASS}. */
        IPV6_TCLASS,
        /** {@code IPPROTO_IPV6/IPV6_MULTICAST_HOPS}. */
        IPV6_MULTICAST_HOPS,
        /** {@code IPPROTO_TCP/TCP_KEEPIDLE} (macOS: {@code TCP_KEEPALIVE}), seconds. */
        TCP_KEEP_IDLE,
        /** {@code IPPROTO_TCP/TCP_KEEPINTVL}, seconds. */
        TCP_KEEP_INTERVAL,
        /** {@code IPPROTO_TCP/TCP_KEEPCNT}, probes. */
        TCP_KEEP_COUNT
    }

    private static final class Holder {
        static final SocketSystem CURRENT = load();
    }

    /** For implementations; one whose handles are not descriptors (Winsock) gets per-thread staging. */
    protected SocketSystem() {
        if (!handlesAreFileDescriptors()) {
            io.jmio.poll.posix.NativeScratch.withStagingArea();
        }
    }

    /**
     * @return the socket API of this process: the one the OS's module supplies (or the class named by
     *         {@value #PROPERTY}); one that fails every call, saying why, if no module supplies one
     */
    public static SocketSystem current() {
        return Holder.CURRENT;
    }

    private static SocketSystem load() {
        String name = System.getProperty(PROPERTY);
        if (name != null && !name.isEmpty()) {
            try {
                return Class.forName(name).asSubclass(SocketSystem.class).getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("cannot load the socket system " + name + " (" + PROPERTY + ")", e);
            }
        }
        List<String> seen = new ArrayList<>();
        SocketSystemProvider provider = find(SocketSystem.class.getClassLoader(), seen);
        if (provider == null && Thread.currentThread().getContextClassLoader() != null) {
            provider = find(Thread.currentThread().getContextClassLoader(), seen);
        }
        if (provider == null) {
            return new UnavailableSockets("no jmio module supplies sockets for this OS (os.name="
                    + System.getProperty("os.name") + "; socket providers on the class path: " + seen
                    + "): add poll-epoll on Linux, poll-kqueue on macOS and the BSDs, poll-iocp on Windows");
        }
        return provider.create();
    }

    private static SocketSystemProvider find(ClassLoader loader, List<String> seen) {
        for (SocketSystemProvider p : ServiceLoader.load(SocketSystemProvider.class, loader)) {
            seen.add(p.name());
            if (p.supportsCurrentOs()) {
                return p;
            }
        }
        return null;
    }

    /** @return a short name for messages, e.g. {@code posix}, {@code winsock} */
    public abstract String name();

    /**
     * @return the operating system these calls are for, for messages such as "SO_REUSEPORT is not
     *         supported on Windows 11"; by default the JVM's {@code os.name}
     */
    public String osName() {
        return System.getProperty("os.name", "this OS");
    }

    /** @return true if handles are Unix file descriptors; false for Windows {@code SOCKET}s */
    public abstract boolean handlesAreFileDescriptors();

    /**
     * Opens a non-blocking socket that child processes do not inherit.
     *
     * @param v6     IPv6 rather than IPv4
     * @param stream TCP rather than UDP
     * @return the handle
     * @throws IOException from the socket call
     */
    public abstract long open(boolean v6, boolean stream) throws IOException;

    /**
     * @param s       a socket
     * @param address a resolved address
     * @throws IOException e.g. {@code EADDRINUSE}
     */
    public abstract void bind(long s, InetSocketAddress address) throws IOException;

    /**
     * Applies the platform's address-reuse policy to a stream socket that is to listen (POSIX:
     * {@code SO_REUSEADDR}; Windows: {@code SO_EXCLUSIVEADDRUSE}, since there {@code SO_REUSEADDR} would let another socket take the port).
     * Options the caller sets afterwards, before {@link #bind}, override it.
     *
     * @param s a stream socket, not yet bound
     * @throws IOException from {@code setsockopt}
     */
    public abstract void prepareListener(long s) throws IOException;

    /**
     * @param s       a bound stream socket
     * @param backlog the queue length
     * @throws IOException from {@code listen}
     */
    public abstract void listen(long s, int backlog) throws IOException;

    /**
     * {@link #prepareListener}, {@link #bind}, {@link #listen}.
     *
     * @param s       a stream socket
     * @param address a resolved address
     * @param backlog the queue length
     * @throws IOException e.g. {@code EADDRINUSE}
     */
    public final void bindAndListen(long s, InetSocketAddress address, int backlog) throws IOException {
        prepareListener(s);
        bind(s, address);
        listen(s, backlog);
    }

    /**
     * @param s a listening socket
     * @return a new non-blocking socket, or {@link #NO_SOCKET}
     * @throws IOException e.g. {@code EMFILE}
     */
    public abstract long accept(long s) throws IOException;

    /**
     * The peer of this thread's last successful {@link #accept}, from the address the accept call
     * itself filled in (no {@code getpeername}); call it right after the accept, before any other
     * socket call of this thread.
     *
     * @return the peer (allocates it), or null if this system does not keep it (then the peer is
     *         read with {@link #address(long, boolean)})
     */
    public InetSocketAddress lastAcceptedPeer() {
        return null;
    }

    /**
     * Starts a non-blocking connect.
     *
     * @param s       a socket
     * @param address a resolved address
     * @return true if connected at once, false if in progress
     * @throws IOException if it fails at once
     */
    public abstract boolean connect(long s, InetSocketAddress address) throws IOException;

    /**
     * @param s    a stream socket
     * @param dst  a buffer
     * @param peek leave the bytes queued
     * @return bytes read, 0 if it would block or {@code dst} is full, -1 at end of stream
     * @throws IOException e.g. {@code ECONNRESET}
     */
    public abstract int read(long s, ByteBuffer dst, boolean peek) throws IOException;

    /**
     * Scattering read.
     *
     * @param s      a stream socket
     * @param dsts   buffers
     * @param offset the first
     * @param length how many
     * @return bytes read, 0 if it would block, -1 at end of stream
     * @throws IOException e.g. {@code ECONNRESET}
     */
    public abstract long read(long s, ByteBuffer[] dsts, int offset, int length) throws IOException;

    /**
     * @param s   a stream socket
     * @param src a buffer
     * @return bytes written, 0 if it would block or {@code src} is empty
     * @throws IOException e.g. {@code EPIPE}
     */
    public abstract int write(long s, ByteBuffer src) throws IOException;

    /**
     * Gathering write.
     *
     * @param s      a stream socket
     * @param srcs   buffers
     * @param offset the first
     * @param length how many
     * @return bytes written, 0 if it would block
     * @throws IOException e.g. {@code EPIPE}
     */
    public abstract long write(long s, ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Turns drain detection on or off for a connected TCP socket: with it on, {@link #readDetectingDrain}
     * can say whether a read left the receive queue empty. The default refuses: a system either counts
     * what is left (Linux: {@code TCP_INQ}) or does not offer the mode; on Windows it must not, since an
     * edge-triggered IOCP registration is re-armed only by a read that would block.
     *
     * @param s  a connected stream socket
     * @param on true to turn it on
     * @throws UnsupportedOperationException where the system cannot count what a read leaves
     * @throws IOException                   from the call that sets it
     */
    public void drainDetection(long s, boolean on) throws IOException {
        throw new UnsupportedOperationException("drain detection is not available with " + name()
                + (handlesAreFileDescriptors() ? "" : ": IOCP re-arms an edge-triggered registration only after a read"
                + " would block"));
    }

    /**
     * A read, on a socket with {@link #drainDetection} on, that also says whether the receive queue was empty
     * after it.
     *
     * @param s   the socket
     * @param dst a buffer
     * @return the read's result (as {@link #read(long, ByteBuffer, boolean)}) in the low 32 bits; bit 32 set
     *         if the read returned data and nothing was left queued
     * @throws UnsupportedOperationException where {@link #drainDetection} is refused
     * @throws IOException                   e.g. {@code ECONNRESET}
     */
    public long readDetectingDrain(long s, ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException("drain detection is not available with " + name());
    }

    /**
     * @param s a connected stream socket
     * @param b the byte to send out of band
     * @return true if sent, false if it would block
     * @throws IOException from the send
     */
    public abstract boolean sendUrgent(long s, byte b) throws IOException;

    /**
     * Receives one datagram; the sender is then {@link #lastSender()}.
     *
     * @param s    a datagram socket
     * @param dst  a buffer
     * @param peek leave the datagram queued
     * @return its length (bytes copied if truncated), or -1 if it would block
     * @throws IOException e.g. {@code ECONNREFUSED}
     */
    public abstract int receiveDatagram(long s, ByteBuffer dst, boolean peek) throws IOException;

    /** @return whether this thread's last {@link #receiveDatagram} was cut to the buffer */
    public abstract boolean lastTruncated();

    /** @return the sender of this thread's last {@link #receiveDatagram} (allocates it) */
    public abstract InetSocketAddress lastSender();

    /**
     * @param s      a datagram socket
     * @param src    the datagram
     * @param target a resolved address, or null for the connected peer
     * @return bytes sent, or 0 if it would block
     * @throws IOException e.g. {@code EMSGSIZE}
     */
    public abstract int sendDatagram(long s, ByteBuffer src, InetSocketAddress target) throws IOException;

    /**
     * @param s   a socket
     * @param how 0: reading, 1: writing, 2: both (the same on POSIX and Winsock)
     * @throws IOException e.g. {@code ENOTCONN}
     */
    public abstract void shutdown(long s, int how) throws IOException;

    /**
     * @param s a socket
     * @return its pending error ({@code SO_ERROR}), cleared, or null; built by
     *         {@link SyscallErrors#socketError} with the call named {@code SO_ERROR}
     * @throws IOException if reading it fails
     */
    public abstract IOException takeError(long s) throws IOException;

    /**
     * @param s    a socket
     * @param peer the peer's address rather than the local one
     * @return the address (allocates it)
     * @throws IOException e.g. {@code ENOTCONN}
     */
    public abstract InetSocketAddress address(long s, boolean peer) throws IOException;

    /**
     * @param option an option
     * @return whether this OS has it; {@link #setOption} and {@link #option} refuse one it has not with
     *         an {@link UnsupportedOperationException}
     */
    public abstract boolean supports(Option option);

    /**
     * @param s      a socket
     * @param option the option
     * @param value  its value (booleans as 0 and 1)
     * @throws IOException from {@code setsockopt}
     */
    public abstract void setOption(long s, Option option, int value) throws IOException;

    /**
     * @param s      a socket
     * @param option the option
     * @return its value
     * @throws IOException from {@code getsockopt}
     */
    public abstract int option(long s, Option option) throws IOException;

    /**
     * @param s       a socket
     * @param seconds seconds to linger on close, or -1 to turn lingering off
     * @throws IOException from {@code setsockopt}
     */
    public abstract void setLinger(long s, int seconds) throws IOException;

    /**
     * @param s a socket
     * @return seconds of lingering, or -1 if off
     * @throws IOException from {@code getsockopt}
     */
    public abstract int linger(long s) throws IOException;

    /**
     * Joins or leaves an IPv4 multicast group.
     *
     * @param s     a datagram socket
     * @param join  join rather than leave
     * @param group the group
     * @param iface the local interface's address
     * @throws IOException from {@code setsockopt}
     */
    public abstract void membershipV4(long s, boolean join, Inet4Address group, Inet4Address iface) throws IOException;

    /**
     * Joins or leaves an IPv6 multicast group.
     *
     * @param s              a datagram socket
     * @param join           join rather than leave
     * @param group          the group
     * @param interfaceIndex the interface's index, or 0
     * @throws IOException from {@code setsockopt}
     */
    public abstract void membershipV6(long s, boolean join, InetAddress group, int interfaceIndex) throws IOException;

    /**
     * Closes a socket; never retried.
     *
     * @param s a socket
     * @throws IOException from the close call
     */
    public abstract void close(long s) throws IOException;

    /**
     * Closes {@code s} after {@code primary} failed, recording a failure of the close as suppressed.
     *
     * @param s       a socket
     * @param primary the failure being thrown
     */
    public final void closeQuietly(long s, Throwable primary) {
        try {
            close(s);
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * @param s a handle
     * @return the handle in words, e.g. {@code fd 7} or {@code SOCKET 0x1f4}
     */
    public abstract String describe(long s);
}
