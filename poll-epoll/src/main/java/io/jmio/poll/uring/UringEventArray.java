package io.jmio.poll.uring;

import static io.jmio.poll.uring.UringNative.POLLERR;
import static io.jmio.poll.uring.UringNative.POLLHUP;
import static io.jmio.poll.uring.UringNative.POLLIN;
import static io.jmio.poll.uring.UringNative.POLLOUT;
import static io.jmio.poll.uring.UringNative.POLLPRI;
import static io.jmio.poll.uring.UringNative.POLLRDHUP;

import io.jmio.poll.spi.EventBuffer;

/**
 * The events of one select: tokens and poll masks copied out of the completion queue (whose entries
 * the kernel reuses once consumed), decoded with mio's meaning of each flag as on epoll (see
 * {@link io.jmio.poll.Event}): a poll completion's {@code res} holds the same {@code EPOLL*} bits.
 *
 * <p>Threading: confined to the polling thread.
 */
final class UringEventArray extends EventBuffer {
    private final long[] tokens;
    private final int[] masks;

    UringEventArray(int capacity) {
        super(capacity);
        this.tokens = new long[capacity];
        this.masks = new int[capacity];
    }

    void set(int i, long token, int mask) {
        tokens[i] = token;
        masks[i] = mask;
    }

    /** Adds the bits of a second completion for the same registration to slot {@code i}. */
    void addMask(int i, int mask) {
        masks[i] |= mask;
    }

    int mask(int i) {
        return masks[i];
    }

    @Override
    public long token(int i) {
        return tokens[i];
    }

    @Override
    public boolean isReadable(int i) {
        return (masks[i] & (POLLIN | POLLPRI)) != 0;
    }

    @Override
    public boolean isWritable(int i) {
        return (masks[i] & POLLOUT) != 0;
    }

    @Override
    public boolean isError(int i) {
        return (masks[i] & POLLERR) != 0;
    }

    @Override
    public boolean isReadClosed(int i) {
        int m = masks[i];
        return (m & POLLHUP) != 0 || ((m & POLLIN) != 0 && (m & POLLRDHUP) != 0);
    }

    @Override
    public boolean isWriteClosed(int i) {
        int m = masks[i];
        return (m & POLLHUP) != 0 || ((m & POLLOUT) != 0 && (m & POLLERR) != 0) || m == POLLERR;
    }

    @Override
    public boolean isPriority(int i) {
        return (masks[i] & POLLPRI) != 0;
    }

    @Override
    public boolean isAio(int i) {
        return false;
    }

    @Override
    public boolean isLio(int i) {
        return false;
    }

    @Override
    public String describe(int i) {
        int m = masks[i];
        StringBuilder sb = new StringBuilder("res=0x").append(Integer.toHexString(m));
        int[] bits = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLRDHUP};
        String[] names = {"IN", "PRI", "OUT", "ERR", "HUP", "RDHUP"};
        for (int k = 0; k < bits.length; k++) {
            if ((m & bits[k]) != 0) {
                sb.append(' ').append(names[k]);
            }
        }
        return sb.toString();
    }
}
