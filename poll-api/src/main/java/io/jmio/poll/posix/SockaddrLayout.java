package io.jmio.poll.posix;

import java.nio.ByteBuffer;

/**
 * The two ABIs of the {@code sockaddr} family header, which is where Linux and the BSDs differ.
 *
 * <pre>
 *  LINUX                                BSD (macOS, FreeBSD, NetBSD, OpenBSD, DragonFly)
 *  0        1        2                  0        1        2
 *  +--------+--------+                  +--------+--------+
 *  |   sa_family     |  u16, host order |sa_len  |sa_family|  two u8: total length, family
 *  +--------+--------+                  +--------+--------+
 * </pre>
 *
 * <p>Everything after the two header bytes is laid out alike ({@link SockaddrInDescriptor},
 * {@link SockaddrIn6Descriptor}), except the size of {@code sun_path} ({@link SockaddrUnDescriptor}).
 *
 * <p>Threading: immutable.
 */
public enum SockaddrLayout {
    /** Linux: a 16-bit family, no length byte; {@code sun_path} of 108 bytes. */
    LINUX(108),
    /** The BSDs and macOS: a length byte then an 8-bit family; {@code sun_path} of 104 bytes. */
    BSD(104);

    /** Offset of the family field of any {@code sockaddr} (LINUX: the u16; BSD: the second byte). */
    public static final int FAMILY_HEADER_SIZE = 2;

    private static final SockaddrLayout CURRENT = forPlatform(Platform.current());

    private final int sunPathSize;

    SockaddrLayout(int sunPathSize) {
        this.sunPathSize = sunPathSize;
    }

    /**
     * @param platform an OS
     * @return its layout: {@link #LINUX} for Linux, {@link #BSD} for the rest
     */
    public static SockaddrLayout forPlatform(Platform platform) {
        return platform == Platform.LINUX ? LINUX : BSD;
    }

    /** @return the running OS's layout */
    public static SockaddrLayout current() {
        return CURRENT;
    }

    /** @return the size of {@code sun_path} in bytes, the terminating NUL included */
    public int sunPathSize() {
        return sunPathSize;
    }

    /**
     * Writes the family header.
     *
     * @param buf    native-order buffer
     * @param offset where the {@code sockaddr} starts
     * @param family the address family
     * @param length the total length of the {@code sockaddr} (BSD's {@code sa_len}; ignored on Linux)
     */
    public void putHeader(ByteBuffer buf, int offset, int family, int length) {
        if (this == LINUX) {
            buf.putShort(offset, (short) family);
        } else {
            buf.put(offset, (byte) length);
            buf.put(offset + 1, (byte) family);
        }
    }

    /**
     * @param buf    native-order buffer
     * @param offset where the {@code sockaddr} starts
     * @return its address family
     */
    public int family(ByteBuffer buf, int offset) {
        return this == LINUX ? buf.getShort(offset) & 0xffff : buf.get(offset + 1) & 0xff;
    }
}
