package io.jmio.poll.kqueue;

import java.nio.ByteBuffer;

/**
 * The layouts of {@code struct kevent} on 64-bit systems, one instance per shape, with named offsets
 * and the accessors that read and write a slot of a native array in that shape.
 *
 * <pre>
 * COMPACT_32: macOS, FreeBSD before 12, OpenBSD, DragonFly        (32 bytes)
 *   0        8        10       12       16                24       32
 *   +--------+--------+--------+--------+-----------------+--------+
 *   | ident  | filter | flags  | fflags | data            | udata  |
 *   | u64    | i16    | u16    | u32    | i64 (intptr_t)  | ptr    |
 *   +--------+--------+--------+--------+-----------------+--------+
 *
 * FREEBSD_64: FreeBSD 12 and later (kevent@@FBSD_1.5)              (64 bytes)
 *   0        8        10       12       16       24       32                         64
 *   +--------+--------+--------+--------+--------+--------+--------------------------+
 *   | ident  | filter | flags  | fflags | data   | udata  | ext[4]                   |
 *   | u64    | i16    | u16    | u32    | i64    | ptr    | 4 x u64                  |
 *   +--------+--------+--------+--------+--------+--------+--------------------------+
 *
 * NETBSD_40: NetBSD through __kevent50 (NetBSD 6 to 10 native;     (40 bytes)
 *            NetBSD 11 converts it to its 72-byte __kevent100 struct)
 *   0        8        12       16       20       24       32       40
 *   +--------+--------+--------+--------+--------+--------+--------+
 *   | ident  | filter | flags  | fflags | (pad)  | data   | udata  |
 *   | u64    | u32    | u32    | u32    | 4      | i64    | ptr    |
 *   +--------+--------+--------+--------+--------+--------+--------+
 * </pre>
 *
 * <p>On 64-bit systems the first 32 bytes of {@link #FREEBSD_64} are the same as {@link #COMPACT_32}
 * ({@code data} is 8 bytes either way); {@link KqueueNative} uses that to probe which of the two the
 * bound FreeBSD {@code kevent} symbol writes. jmio's token is the 64-bit {@code udata}.
 *
 * <p>Threading: immutable.
 */
final class KeventDescriptor {
    /** macOS ({@code packed(4)}, which changes nothing on 64-bit), FreeBSD 11, OpenBSD, DragonFly. */
    static final KeventDescriptor COMPACT_32 = new KeventDescriptor("compact-32", 32, 8, 2, 10, 2, 12, 16, 24);
    /** FreeBSD 12 and later: 64-bit {@code data} and four {@code ext} words. */
    static final KeventDescriptor FREEBSD_64 = new KeventDescriptor("freebsd-64", 64, 8, 2, 10, 2, 12, 16, 24);
    /** NetBSD: 32-bit unsigned {@code filter} and {@code flags}. */
    static final KeventDescriptor NETBSD_40 = new KeventDescriptor("netbsd-40", 40, 8, 4, 12, 4, 16, 24, 32);

    /** Offset of {@code ident} ({@code uintptr_t}) in every layout. */
    static final int IDENT_OFFSET = 0;

    final String name;
    /** Size of one {@code struct kevent}. */
    final int size;
    /** Offset of {@code filter}. */
    final int filterOffset;
    /** Width in bytes of {@code filter}: 2 (signed) or 4 (NetBSD, unsigned). */
    final int filterWidth;
    /** Offset of {@code flags}. */
    final int flagsOffset;
    /** Width in bytes of {@code flags}: 2 or 4 (NetBSD); unsigned either way. */
    final int flagsWidth;
    /** Offset of {@code fflags} ({@code u32}). */
    final int fflagsOffset;
    /** Offset of {@code data} (64-bit). */
    final int dataOffset;
    /** Offset of {@code udata} (a pointer: jmio's 64-bit token). */
    final int udataOffset;

    private KeventDescriptor(String name, int size, int filterOffset, int filterWidth, int flagsOffset,
            int flagsWidth, int fflagsOffset, int dataOffset, int udataOffset) {
        this.name = name;
        this.size = size;
        this.filterOffset = filterOffset;
        this.filterWidth = filterWidth;
        this.flagsOffset = flagsOffset;
        this.flagsWidth = flagsWidth;
        this.fflagsOffset = fflagsOffset;
        this.dataOffset = dataOffset;
        this.udataOffset = udataOffset;
    }

    /**
     * Writes one whole slot (zeroing the rest of it, {@code ext} included).
     *
     * @param buffer native memory in native byte order
     * @param slot   slot index
     */
    void put(ByteBuffer buffer, int slot, long ident, int filter, int flags, int fflags, long data, long udata) {
        int base = slot * size;
        for (int i = 0; i < size; i += 8) {
            buffer.putLong(base + i, 0L);
        }
        buffer.putLong(base + IDENT_OFFSET, ident);
        if (filterWidth == 2) {
            buffer.putShort(base + filterOffset, (short) filter);
        } else {
            buffer.putInt(base + filterOffset, filter);
        }
        if (flagsWidth == 2) {
            buffer.putShort(base + flagsOffset, (short) flags);
        } else {
            buffer.putInt(base + flagsOffset, flags);
        }
        buffer.putInt(base + fflagsOffset, fflags);
        buffer.putLong(base + dataOffset, data);
        buffer.putLong(base + udataOffset, udata);
    }

    long ident(ByteBuffer buffer, int slot) {
        return buffer.getLong(slot * size + IDENT_OFFSET);
    }

    /** @return the filter: sign-extended where it is an {@code i16}, as is where it is a NetBSD {@code u32} */
    int filter(ByteBuffer buffer, int slot) {
        int at = slot * size + filterOffset;
        return filterWidth == 2 ? buffer.getShort(at) : buffer.getInt(at);
    }

    /** @return the flags, unsigned */
    int flags(ByteBuffer buffer, int slot) {
        int at = slot * size + flagsOffset;
        return flagsWidth == 2 ? buffer.getShort(at) & 0xFFFF : buffer.getInt(at);
    }

    int fflags(ByteBuffer buffer, int slot) {
        return buffer.getInt(slot * size + fflagsOffset);
    }

    long data(ByteBuffer buffer, int slot) {
        return buffer.getLong(slot * size + dataOffset);
    }

    long udata(ByteBuffer buffer, int slot) {
        return buffer.getLong(slot * size + udataOffset);
    }

    @Override
    public String toString() {
        return name + "(" + size + " bytes)";
    }
}
