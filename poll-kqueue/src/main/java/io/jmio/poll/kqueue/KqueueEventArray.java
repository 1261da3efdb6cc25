package io.jmio.poll.kqueue;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.spi.EventBuffer;

import java.nio.ByteBuffer;

/**
 * A flyweight over one native array of {@code struct kevent} in the running system's layout
 * ({@link KeventDescriptor}), filled by {@code kevent} and decoded slot by slot in place.
 *
 * <p>kqueue reports read and write readiness of one descriptor as two separate events (one per
 * filter), and this array reports them as they came: a socket that is both readable and writable
 * yields one readable event and one writable event with the same token. The meaning of each flag:
 *
 * <table>
 *   <caption>kevent to {@link io.jmio.poll.Event} flags</caption>
 *   <tr><th>method</th><th>true when</th><th>where</th></tr>
 *   <tr><td>{@code isReadable}</td><td>filter {@code EVFILT_READ}, or {@code EVFILT_USER} (the waker)</td><td>all</td></tr>
 *   <tr><td>{@code isWritable}</td><td>filter {@code EVFILT_WRITE}</td><td>all</td></tr>
 *   <tr><td>{@code isError}</td><td>{@code EV_ERROR} in flags, or {@code EV_EOF} with a non-zero
 *       {@code fflags} (the socket error)</td><td>all</td></tr>
 *   <tr><td>{@code isReadClosed}</td><td>{@code EV_EOF} on an {@code EVFILT_READ} event</td><td>all</td></tr>
 *   <tr><td>{@code isWriteClosed}</td><td>{@code EV_EOF} on an {@code EVFILT_WRITE} event</td><td>all</td></tr>
 *   <tr><td>{@code isPriority}</td><td>never (kqueue has no priority filter for sockets)</td><td>-</td></tr>
 *   <tr><td>{@code isAio}</td><td>filter {@code EVFILT_AIO}</td><td>FreeBSD, DragonFly</td></tr>
 *   <tr><td>{@code isLio}</td><td>filter {@code EVFILT_LIO}</td><td>FreeBSD</td></tr>
 * </table>
 *
 * <p>Filter numbers per OS are in {@link KqueueAbi}. The kernel's {@code data} (bytes readable, room
 * to write, or an errno) is shown by {@link #describe} only.
 *
 * <p>Threading: confined to the polling thread.
 */
final class KqueueEventArray extends EventBuffer {
    private final KqueueAbi abi;
    private final KeventDescriptor layout;
    private final ByteBuffer memory;
    final long address;

    KqueueEventArray(KqueueAbi abi, int capacity) {
        super(capacity);
        this.abi = abi;
        this.layout = abi.layout;
        this.memory = NativeMemory.allocate(capacity * layout.size);
        this.address = NativeMemory.address(memory);
    }

    /** @return the native memory, for tests that fill slots by hand */
    ByteBuffer memory() {
        return memory;
    }

    KqueueAbi abi() {
        return abi;
    }

    int filter(int i) {
        return layout.filter(memory, i);
    }

    int flags(int i) {
        return layout.flags(memory, i);
    }

    @Override
    public long token(int i) {
        return layout.udata(memory, i);
    }

    @Override
    public boolean isReadable(int i) {
        int filter = filter(i);
        return filter == abi.evfiltRead || filter == abi.evfiltUser;
    }

    @Override
    public boolean isWritable(int i) {
        return filter(i) == abi.evfiltWrite;
    }

    @Override
    public boolean isError(int i) {
        int flags = flags(i);
        return (flags & KqueueAbi.EV_ERROR) != 0 || ((flags & KqueueAbi.EV_EOF) != 0 && layout.fflags(memory, i) != 0);
    }

    @Override
    public boolean isReadClosed(int i) {
        return filter(i) == abi.evfiltRead && (flags(i) & KqueueAbi.EV_EOF) != 0;
    }

    @Override
    public boolean isWriteClosed(int i) {
        return filter(i) == abi.evfiltWrite && (flags(i) & KqueueAbi.EV_EOF) != 0;
    }

    @Override
    public boolean isPriority(int i) {
        return false;
    }

    @Override
    public boolean isAio(int i) {
        return filter(i) == abi.evfiltAio;
    }

    @Override
    public boolean isLio(int i) {
        return filter(i) == abi.evfiltLio;
    }

    @Override
    public String describe(int i) {
        return describe(abi, memory, i);
    }

    /** @return one slot as {@code EVFILT_READ ident=7 flags=EV_CLEAR|EV_EOF fflags=0x0 data=12} */
    static String describe(KqueueAbi abi, ByteBuffer memory, int i) {
        KeventDescriptor layout = abi.layout;
        return abi.filterName(layout.filter(memory, i)) + " ident=" + layout.ident(memory, i) + " flags="
                + flagsToString(layout.flags(memory, i)) + " fflags=0x" + Integer.toHexString(layout.fflags(memory, i))
                + " data=" + layout.data(memory, i);
    }

    static String flagsToString(int flags) {
        int[] bits = {KqueueAbi.EV_ADD, KqueueAbi.EV_DELETE, KqueueAbi.EV_ENABLE, KqueueAbi.EV_DISABLE,
            KqueueAbi.EV_ONESHOT, KqueueAbi.EV_CLEAR, KqueueAbi.EV_RECEIPT, KqueueAbi.EV_DISPATCH, KqueueAbi.EV_ERROR,
            KqueueAbi.EV_EOF};
        String[] names = {"EV_ADD", "EV_DELETE", "EV_ENABLE", "EV_DISABLE", "EV_ONESHOT", "EV_CLEAR", "EV_RECEIPT",
            "EV_DISPATCH", "EV_ERROR", "EV_EOF"};
        StringBuilder sb = new StringBuilder();
        int rest = flags;
        for (int k = 0; k < bits.length; k++) {
            if ((flags & bits[k]) != 0) {
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
