package io.jmio.poll;

import java.util.Objects;
import java.util.Optional;

/**
 * The readiness a registration asks for: a non-empty, immutable set of {@link #READABLE},
 * {@link #WRITABLE}, {@link #PRIORITY}, {@link #AIO} and {@link #LIO}.
 *
 * <p>An interest can never be empty: {@link #remove(Interest)} returns {@link Optional#empty()} rather
 * than an empty set. Every combination is a cached constant, so {@link #add(Interest)} allocates nothing.
 *
 * <pre>{@code
 * Interest both = Interest.READABLE.add(Interest.WRITABLE);
 * assert both.isReadable() && both.isWritable();
 * assert both.remove(Interest.WRITABLE).orElseThrow() == Interest.READABLE;
 * }</pre>
 *
 * <p>Portability: {@link #PRIORITY} is supported by epoll only ({@code EPOLLPRI}); {@link #AIO} and
 * {@link #LIO} by kqueue only ({@code EVFILT_AIO}, {@code EVFILT_LIO}, where the OS has them). A backend
 * refuses an interest it cannot express with an {@link UnsupportedOperationException} naming it.
 *
 * <p>Threading: immutable and safe to share between threads.
 */
public final class Interest {
    /** Bit of {@link #READABLE} in {@link #bits()}. */
    public static final int READABLE_BIT = 1;
    /** Bit of {@link #WRITABLE} in {@link #bits()}. */
    public static final int WRITABLE_BIT = 1 << 1;
    /** Bit of {@link #PRIORITY} in {@link #bits()}. */
    public static final int PRIORITY_BIT = 1 << 2;
    /** Bit of {@link #AIO} in {@link #bits()}. */
    public static final int AIO_BIT = 1 << 3;
    /** Bit of {@link #LIO} in {@link #bits()}. */
    public static final int LIO_BIT = 1 << 4;

    private static final int ALL_BITS = READABLE_BIT | WRITABLE_BIT | PRIORITY_BIT | AIO_BIT | LIO_BIT;
    private static final Interest[] ALL = new Interest[ALL_BITS + 1];

    static {
        for (int bits = 1; bits <= ALL_BITS; bits++) {
            ALL[bits] = new Interest(bits);
        }
    }

    /** Interest in readable events, and in read-closed and error events that come with them. */
    public static final Interest READABLE = ALL[READABLE_BIT];
    /** Interest in writable events, and in write-closed and error events that come with them. */
    public static final Interest WRITABLE = ALL[WRITABLE_BIT];
    /** Interest in priority (out-of-band) events; epoll only ({@code EPOLLPRI}). */
    public static final Interest PRIORITY = ALL[PRIORITY_BIT];
    /** Interest in asynchronous I/O completion events; kqueue only ({@code EVFILT_AIO}). */
    public static final Interest AIO = ALL[AIO_BIT];
    /** Interest in list I/O completion events; kqueue on FreeBSD only ({@code EVFILT_LIO}). */
    public static final Interest LIO = ALL[LIO_BIT];

    private final int bits;

    private Interest(int bits) {
        this.bits = bits;
    }

    /**
     * Returns the interest with exactly these bits.
     *
     * @param bits a non-zero combination of the {@code *_BIT} constants
     * @return the cached interest
     * @throws IllegalArgumentException if {@code bits} is zero or has unknown bits
     */
    public static Interest ofBits(int bits) {
        if (bits <= 0 || (bits & ~ALL_BITS) != 0) {
            throw new IllegalArgumentException("invalid interest bits 0x" + Integer.toHexString(bits)
                    + ": an interest is a non-empty combination of READABLE, WRITABLE, PRIORITY, AIO and LIO");
        }
        return ALL[bits];
    }

    /**
     * @param other the interest to add
     * @return the union of both interests
     */
    public Interest add(Interest other) {
        return ALL[bits | Objects.requireNonNull(other, "other").bits];
    }

    /**
     * Removes {@code other}, as mio's {@code Interest::remove}: the result is empty when nothing
     * would be left, because an empty interest does not exist.
     *
     * @param other the interest to take away
     * @return what is left, or empty if nothing is
     */
    public Optional<Interest> remove(Interest other) {
        int left = bits & ~Objects.requireNonNull(other, "other").bits;
        return left == 0 ? Optional.empty() : Optional.of(ALL[left]);
    }

    /** @return true if this contains {@link #READABLE} */
    public boolean isReadable() {
        return (bits & READABLE_BIT) != 0;
    }

    /** @return true if this contains {@link #WRITABLE} */
    public boolean isWritable() {
        return (bits & WRITABLE_BIT) != 0;
    }

    /** @return true if this contains {@link #PRIORITY} */
    public boolean isPriority() {
        return (bits & PRIORITY_BIT) != 0;
    }

    /** @return true if this contains {@link #AIO} */
    public boolean isAio() {
        return (bits & AIO_BIT) != 0;
    }

    /** @return true if this contains {@link #LIO} */
    public boolean isLio() {
        return (bits & LIO_BIT) != 0;
    }

    /** @return the bit set, a combination of the {@code *_BIT} constants; what backends translate */
    public int bits() {
        return bits;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String[] names = {"READABLE", "WRITABLE", "PRIORITY", "AIO", "LIO"};
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append(" | ");
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }
}
