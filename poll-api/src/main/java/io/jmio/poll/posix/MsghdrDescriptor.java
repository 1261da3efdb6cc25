package io.jmio.poll.posix;

import java.nio.ByteBuffer;

/**
 * Layout of {@code struct msghdr} on 64-bit Unix (LP64), for {@code recvmsg}/{@code sendmsg}; Linux and
 * the BSDs differ in the width of {@code msg_iovlen} and {@code msg_controllen}.
 *
 * <pre>
 *  LINUX (56 bytes)                          BSD, macOS (48 bytes)
 *   0 msg_name        void*                   0 msg_name        void*
 *   8 msg_namelen     u32 (+4 pad)            8 msg_namelen     u32 (+4 pad)
 *  16 msg_iov         struct iovec*          16 msg_iov         struct iovec*
 *  24 msg_iovlen      size_t                 24 msg_iovlen      int (+4 pad)
 *  32 msg_control     void*                  32 msg_control     void*
 *  40 msg_controllen  size_t                 40 msg_controllen  u32
 *  48 msg_flags       int (+4 pad)           44 msg_flags       int
 * </pre>
 *
 * <p>{@code struct iovec} is {@code {void *iov_base; size_t iov_len}}, 16 bytes, on both.
 *
 * <p>Threading: immutable.
 */
public final class MsghdrDescriptor {
    /** Offset of {@code msg_name}. */
    public static final int NAME_OFFSET = 0;
    /** Offset of {@code msg_namelen}. */
    public static final int NAMELEN_OFFSET = 8;
    /** Offset of {@code msg_iov}. */
    public static final int IOV_OFFSET = 16;
    /** Offset of {@code msg_iovlen}. */
    public static final int IOVLEN_OFFSET = 24;
    /** Offset of {@code msg_control}. */
    public static final int CONTROL_OFFSET = 32;
    /** Offset of {@code msg_controllen}. */
    public static final int CONTROLLEN_OFFSET = 40;
    /** Offset of {@code iov_base} in an {@code iovec}. */
    public static final int IOV_BASE_OFFSET = 0;
    /** Offset of {@code iov_len} in an {@code iovec}. */
    public static final int IOV_LEN_OFFSET = 8;
    /** {@code sizeof(struct iovec)}. */
    public static final int IOV_SIZE = 16;

    private static final MsghdrDescriptor CURRENT = forLayout(SockaddrLayout.current());

    private final boolean linux;

    private MsghdrDescriptor(boolean linux) {
        this.linux = linux;
    }

    /**
     * @param layout the OS family ({@link SockaddrLayout} tells Linux from the BSDs)
     * @return the descriptor of that family
     */
    public static MsghdrDescriptor forLayout(SockaddrLayout layout) {
        return new MsghdrDescriptor(layout == SockaddrLayout.LINUX);
    }

    /** @return the running OS's descriptor */
    public static MsghdrDescriptor current() {
        return CURRENT;
    }

    /** @return {@code sizeof(struct msghdr)} */
    public int size() {
        return linux ? 56 : 48;
    }

    /** @return offset of {@code msg_flags} */
    public int flagsOffset() {
        return linux ? 48 : 44;
    }

    /**
     * Fills a {@code msghdr}, zeroing the control fields and flags.
     *
     * @param buf     native-order buffer
     * @param offset  where the {@code msghdr} starts
     * @param name    address of a {@code sockaddr}, or 0
     * @param nameLen its room
     * @param iov     address of the {@code iovec} array
     * @param iovLen  its length
     */
    public void put(ByteBuffer buf, int offset, long name, int nameLen, long iov, int iovLen) {
        for (int i = 0; i < size(); i++) {
            buf.put(offset + i, (byte) 0);
        }
        buf.putLong(offset + NAME_OFFSET, name);
        buf.putInt(offset + NAMELEN_OFFSET, nameLen);
        buf.putLong(offset + IOV_OFFSET, iov);
        if (linux) {
            buf.putLong(offset + IOVLEN_OFFSET, iovLen);
        } else {
            buf.putInt(offset + IOVLEN_OFFSET, iovLen);
        }
    }

    /**
     * @param buf    native-order buffer
     * @param offset where the {@code msghdr} starts
     * @return {@code msg_flags} as {@code recvmsg} left it
     */
    public int flags(ByteBuffer buf, int offset) {
        return buf.getInt(offset + flagsOffset());
    }

    /**
     * @param buf    native-order buffer
     * @param offset where the {@code msghdr} starts
     * @return {@code msg_namelen} as {@code recvmsg} left it
     */
    public int nameLength(ByteBuffer buf, int offset) {
        return buf.getInt(offset + NAMELEN_OFFSET);
    }
}
