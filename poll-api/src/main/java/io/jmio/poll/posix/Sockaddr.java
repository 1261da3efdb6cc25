package io.jmio.poll.posix;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes socket addresses in native memory for one {@link SockaddrLayout}, so that the
 * epoll and kqueue backends share this code: {@link InetSocketAddress} as {@code sockaddr_in} or
 * {@code sockaddr_in6}, Unix-domain addresses as {@code sockaddr_un} (from UTF-8 bytes).
 *
 * <p>Buffers must be in native byte order (for the Linux family field and the IPv6 scope id); ports
 * and IP addresses are written in network byte order, as the structs require.
 *
 * <p>Allocation: encoding allocates only what {@link InetAddress#getAddress()} copies; decoding an
 * internet address allocates the {@link InetSocketAddress}.
 *
 * <p>Threading: immutable.
 */
public final class Sockaddr {
    /** {@code sizeof(struct sockaddr_storage)}: room for any address. */
    public static final int STORAGE_SIZE = 128;

    private static final Sockaddr CURRENT = new Sockaddr(SockaddrLayout.current(), SocketConstants.current());

    private final SockaddrLayout layout;
    private final int afInet6;

    /**
     * @param layout    the header layout
     * @param constants the OS's constants (for {@code AF_INET6})
     */
    public Sockaddr(SockaddrLayout layout, SocketConstants constants) {
        this.layout = layout;
        this.afInet6 = constants.afInet6;
    }

    /** @return the codec of the running OS */
    public static Sockaddr current() {
        return CURRENT;
    }

    /** @return the layout this codec writes */
    public SockaddrLayout layout() {
        return layout;
    }

    /**
     * @param address an internet address
     * @return {@code AF_INET} or {@code AF_INET6}, as fits the address
     */
    public int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? afInet6 : SocketConstants.AF_INET;
    }

    /**
     * Writes an internet address.
     *
     * @param buf     native-order buffer with at least {@link #STORAGE_SIZE} bytes from {@code offset}
     * @param offset  where to write
     * @param address a resolved address
     * @return the length of the written {@code sockaddr}
     * @throws IllegalArgumentException if the address is unresolved
     */
    public int putInet(ByteBuffer buf, int offset, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        assert buf.order() == ByteOrder.nativeOrder();
        int port = address.getPort();
        if (ip instanceof Inet4Address) {
            for (int i = 0; i < SockaddrInDescriptor.SIZE; i++) {
                buf.put(offset + i, (byte) 0);
            }
            layout.putHeader(buf, offset, SocketConstants.AF_INET, SockaddrInDescriptor.SIZE);
            putPort(buf, offset + SockaddrInDescriptor.PORT_OFFSET, port);
            byte[] bytes = ip.getAddress();
            for (int i = 0; i < 4; i++) {
                buf.put(offset + SockaddrInDescriptor.ADDR_OFFSET + i, bytes[i]);
            }
            return SockaddrInDescriptor.SIZE;
        }
        Inet6Address ip6 = (Inet6Address) ip;
        for (int i = 0; i < SockaddrIn6Descriptor.SIZE; i++) {
            buf.put(offset + i, (byte) 0);
        }
        layout.putHeader(buf, offset, afInet6, SockaddrIn6Descriptor.SIZE);
        putPort(buf, offset + SockaddrIn6Descriptor.PORT_OFFSET, port);
        byte[] bytes = ip6.getAddress();
        for (int i = 0; i < SockaddrIn6Descriptor.ADDR_LENGTH; i++) {
            buf.put(offset + SockaddrIn6Descriptor.ADDR_OFFSET + i, bytes[i]);
        }
        buf.putInt(offset + SockaddrIn6Descriptor.SCOPE_ID_OFFSET, ip6.getScopeId());
        return SockaddrIn6Descriptor.SIZE;
    }

    /**
     * Reads an internet address, as {@code accept}, {@code recvfrom} or {@code getsockname} left it.
     *
     * @param buf    native-order buffer
     * @param offset where the {@code sockaddr} starts
     * @return the address, or null if the family is neither {@code AF_INET} nor {@code AF_INET6}
     */
    public InetSocketAddress getInet(ByteBuffer buf, int offset) {
        int family = layout.family(buf, offset);
        try {
            if (family == SocketConstants.AF_INET) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    bytes[i] = buf.get(offset + SockaddrInDescriptor.ADDR_OFFSET + i);
                }
                return new InetSocketAddress(InetAddress.getByAddress(bytes),
                        getPort(buf, offset + SockaddrInDescriptor.PORT_OFFSET));
            } else if (family == afInet6) {
                byte[] bytes = new byte[SockaddrIn6Descriptor.ADDR_LENGTH];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = buf.get(offset + SockaddrIn6Descriptor.ADDR_OFFSET + i);
                }
                int scope = buf.getInt(offset + SockaddrIn6Descriptor.SCOPE_ID_OFFSET);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, bytes, scope)
                        : InetAddress.getByAddress(bytes);
                return new InetSocketAddress(ip, getPort(buf, offset + SockaddrIn6Descriptor.PORT_OFFSET));
            }
            return null;
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /**
     * Writes a Unix-domain address.
     *
     * @param buf      native-order buffer with at least {@link SockaddrUnDescriptor#size} bytes from offset
     * @param offset   where to write
     * @param name     the path's UTF-8 bytes, or the abstract name's bytes
     * @param abstractName true for Linux's abstract namespace (a leading NUL, no terminator)
     * @return the length to pass to the kernel
     * @throws IllegalArgumentException if the name does not fit {@code sun_path}
     */
    public int putUnix(ByteBuffer buf, int offset, byte[] name, boolean abstractName) {
        int max = maxUnixNameBytes();
        if (name.length > max) {
            throw new IllegalArgumentException("Unix socket " + (abstractName ? "name" : "path") + " is " + name.length
                    + " bytes in UTF-8, but sun_path holds at most " + max + " on this OS (ENAMETOOLONG)");
        }
        int size = SockaddrUnDescriptor.size(layout);
        for (int i = 0; i < size; i++) {
            buf.put(offset + i, (byte) 0);
        }
        int pathStart = offset + SockaddrUnDescriptor.PATH_OFFSET + (abstractName ? 1 : 0);
        for (int i = 0; i < name.length; i++) {
            buf.put(pathStart + i, name[i]);
        }
        int length = SockaddrUnDescriptor.PATH_OFFSET + name.length + 1;
        layout.putHeader(buf, offset, SocketConstants.AF_UNIX, length);
        return length;
    }

    /** @return the most name bytes a {@code sun_path} holds: its size less the NUL (or leading NUL) */
    public int maxUnixNameBytes() {
        return layout.sunPathSize() - 1;
    }

    /**
     * Reads a Unix-domain address's name.
     *
     * @param buf    native-order buffer
     * @param offset where the {@code sockaddr_un} starts
     * @param length the length the kernel reported
     * @return the name bytes without terminator or leading NUL (empty for an unnamed socket: Linux's
     *         2-byte address or the BSDs' zeroed {@code sun_noname}); whether it is abstract is
     *         {@link #isAbstractUnix}
     */
    public byte[] getUnixName(ByteBuffer buf, int offset, int length) {
        int start = offset + SockaddrUnDescriptor.PATH_OFFSET;
        int end = offset + Math.min(length, SockaddrUnDescriptor.size(layout));
        if (end <= start) {
            return new byte[0];
        }
        if (buf.get(start) == 0) {
            if (layout == SockaddrLayout.BSD) {
                return new byte[0]; // the BSDs' sun_noname (16 bytes, zeroed): unnamed, never abstract
            }
            start++;  // abstract: the name is every byte after the NUL, up to the length
        } else {
            int nul = start;
            while (nul < end && buf.get(nul) != 0) {
                nul++;
            }
            end = nul;
        }
        byte[] name = new byte[Math.max(0, end - start)];
        for (int i = 0; i < name.length; i++) {
            name[i] = buf.get(start + i);
        }
        return name;
    }

    /**
     * @param buf    native-order buffer
     * @param offset where the {@code sockaddr_un} starts
     * @param length the length the kernel reported
     * @return true if it is a Linux abstract-namespace address (never with the BSD layout: an unbound
     *         socket's address there is {@code sun_noname}, whose first path byte is 0 too)
     */
    public boolean isAbstractUnix(ByteBuffer buf, int offset, int length) {
        return layout == SockaddrLayout.LINUX && length > SockaddrUnDescriptor.PATH_OFFSET && buf.get(offset + SockaddrUnDescriptor.PATH_OFFSET) == 0;
    }

    private static void putPort(ByteBuffer buf, int index, int port) {
        buf.put(index, (byte) (port >>> 8));
        buf.put(index + 1, (byte) port);
    }

    private static int getPort(ByteBuffer buf, int index) {
        return (buf.get(index) & 0xff) << 8 | buf.get(index + 1) & 0xff;
    }
}
