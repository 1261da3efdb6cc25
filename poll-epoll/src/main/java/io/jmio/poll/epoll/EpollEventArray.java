package io.jmio.poll.epoll;

import static io.jmio.poll.epoll.EpollNative.EPOLLERR;
import static io.jmio.poll.epoll.EpollNative.EPOLLET;
import static io.jmio.poll.epoll.EpollNative.EPOLLHUP;
import static io.jmio.poll.epoll.EpollNative.EPOLLIN;
import static io.jmio.poll.epoll.EpollNative.EPOLLONESHOT;
import static io.jmio.poll.epoll.EpollNative.EPOLLOUT;
import static io.jmio.poll.epoll.EpollNative.EPOLLPRI;
import static io.jmio.poll.epoll.EpollNative.EPOLLRDHUP;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.spi.EventBuffer;

import java.nio.ByteBuffer;

/**
 * A flyweight over one native array of {@code struct epoll_event} (layout in
 * {@link EpollEventDescriptor}), filled by {@code epoll_wait} and decoded slot by slot in place, with
 * mio's meaning of each flag (see {@link io.jmio.poll.Event}).
 *
 * <p>Threading: confined to the polling thread.
 */
final class EpollEventArray extends EventBuffer {
    private final ByteBuffer memory;
    final long address;

    EpollEventArray(int capacity) {
        super(capacity);
        this.memory = NativeMemory.allocate(capacity * EpollEventDescriptor.SIZE);
        this.address = NativeMemory.address(memory);
    }

    /** Writes slot {@code i} as {@code epoll_wait} would; for tests of the decoding. */
    void putForTest(int i, int events, long token) {
        memory.putInt(i * EpollEventDescriptor.SIZE + EpollEventDescriptor.EVENTS_OFFSET, events);
        memory.putLong(i * EpollEventDescriptor.SIZE + EpollEventDescriptor.DATA_OFFSET, token);
    }

    int events(int i) {
        return memory.getInt(i * EpollEventDescriptor.SIZE + EpollEventDescriptor.EVENTS_OFFSET);
    }

    @Override
    public long token(int i) {
        return memory.getLong(i * EpollEventDescriptor.SIZE + EpollEventDescriptor.DATA_OFFSET);
    }

    @Override
    public boolean isReadable(int i) {
        return (events(i) & (EPOLLIN | EPOLLPRI)) != 0;
    }

    @Override
    public boolean isWritable(int i) {
        return (events(i) & EPOLLOUT) != 0;
    }

    @Override
    public boolean isError(int i) {
        return (events(i) & EPOLLERR) != 0;
    }

    @Override
    public boolean isReadClosed(int i) {
        int e = events(i);
        return (e & EPOLLHUP) != 0 || ((e & EPOLLIN) != 0 && (e & EPOLLRDHUP) != 0);
    }

    @Override
    public boolean isWriteClosed(int i) {
        int e = events(i);
        return (e & EPOLLHUP) != 0 || ((e & EPOLLOUT) != 0 && (e & EPOLLERR) != 0) || e == EPOLLERR;
    }

    @Override
    public boolean isPriority(int i) {
        return (events(i) & EPOLLPRI) != 0;
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
        return flagsToString(events(i));
    }

    static String flagsToString(int events) {
        StringBuilder sb = new StringBuilder();
        int[] bits = {EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP, EPOLLONESHOT, EPOLLET};
        String[] names = {"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLRDHUP", "EPOLLONESHOT", "EPOLLET"};
        int rest = events;
        for (int k = 0; k < bits.length; k++) {
            if ((events & bits[k]) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(names[k]);
                rest &= ~bits[k];
            }
        }
        if (rest != 0) {
            sb.append(sb.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
