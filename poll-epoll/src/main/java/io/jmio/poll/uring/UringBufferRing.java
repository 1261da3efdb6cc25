package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): {@code count} entries of
 * {@code struct io_uring_buf} (see {@link BufRingDescriptor}) in a private anonymous mapping of their
 * own, page-aligned as the kernel requires, which the kernel pins at registration and reads from its
 * own mapping of those pages afterwards.
 *
 * <p>The application produces, the kernel consumes: {@link #provide} writes the entry at
 * {@code tail & mask} (addr, len, bid; never the last two bytes of entry 0, which are the tail) and
 * advances a local tail, {@link #publish} stores that tail with release semantics, which the kernel
 * pairs with an acquire load when it picks a buffer. The kernel's head is its own; the ring is never
 * given more entries than it has, as {@link BufferRing} refuses to lend a buffer twice.
 *
 * <p>The mapping is unmapped when the ring is unregistered or its queue closed: the kernel's pins
 * (held until it drops the group) keep the pages it reads valid either way.
 *
 * <p>Threading: not thread-safe, as {@link BufferRing}.
 */
final class UringBufferRing extends BufferRing {
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final com.kenai.jffi.MemoryIO MEMORY = com.kenai.jffi.MemoryIO.getInstance();

    private final int ringFd;
    private final long entriesAddress;
    private final long entriesLength;
    private final ByteBuffer entries;
    private final int mask;
    /** The tail as written by {@link #provide}; the kernel sees it after {@link #publish}. */
    private short tail;
    private boolean unmapped;

    private UringBufferRing(CompletionQueue queue, int ringFd, int group, int count, int size, long entriesAddress,
                            long entriesLength) {
        super(queue, group, count, size);
        this.ringFd = ringFd;
        this.entriesAddress = entriesAddress;
        this.entriesLength = entriesLength;
        this.entries = MEMORY.newDirectByteBuffer(entriesAddress, (int) entriesLength).order(ByteOrder.nativeOrder());
        this.mask = count - 1;
        for (int id = 0; id < count; id++) {
            provide(id, address(id), size);
        }
        publish();
    }

    /**
     * Maps the entries, lends every buffer and registers the ring.
     *
     * @throws UnsupportedOperationException if the kernel refuses the registration with {@code EINVAL}
     *                                       (a kernel before 5.19, whose {@code io_uring_register}
     *                                       knows no such opcode; the arguments were checked)
     */
    static UringBufferRing register(CompletionQueue queue, int ringFd, int group, int count, int size) throws IOException {
        long length = (long) count * BufRingDescriptor.BUF_SIZE;
        long address = UringNative.mmapAnonymous(length);
        UringBufferRing ring;
        try {
            ring = new UringBufferRing(queue, ringFd, group, count, size, address, length);
            UringNative.registerBufRing(ringFd, address, count, group);
        } catch (SyscallException e) {
            unmapQuietly(address, length, e);
            if (e.errno() == io.jmio.poll.posix.Errno.EINVAL) {
                throw new UnsupportedOperationException("io_uring refuses IORING_REGISTER_PBUF_RING (EINVAL) for "
                        + count + " entries at a page-aligned address: provided buffer rings need Linux 5.19, this is "
                        + System.getProperty("os.version"), e);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            unmapQuietly(address, length, e);
            throw e;
        }
        return ring;
    }

    private static void unmapQuietly(long address, long length, Throwable into) {
        try {
            UringNative.munmap(address, length);
        } catch (SyscallException suppressed) {
            into.addSuppressed(suppressed);
        }
    }

    @Override
    protected void provide(int id, long address, int length) {
        int at = (tail & mask) * BufRingDescriptor.BUF_SIZE;
        entries.putLong(at + BufRingDescriptor.BUF_ADDR, address);
        entries.putInt(at + BufRingDescriptor.BUF_LEN, length);
        entries.putShort(at + BufRingDescriptor.BUF_BID, (short) id);
        tail++;
    }

    @Override
    protected void publish() {
        SHORT.setRelease(entries, BufRingDescriptor.RING_TAIL, tail);
    }

    @Override
    protected void unregister() throws IOException {
        try {
            UringNative.unregisterBufRing(ringFd, group());
        } catch (SyscallException e) {
            discardQuietly(e);
            throw e;
        }
        discard();
    }

    private void discardQuietly(SyscallException into) {
        try {
            discard();
        } catch (SyscallException suppressed) {
            into.addSuppressed(suppressed);
        }
    }

    @Override
    protected void discard() throws SyscallException {
        if (!unmapped) {
            unmapped = true;
            UringNative.munmap(entriesAddress, entriesLength);
        }
    }

    /** @return the descriptor of the io_uring the ring is registered on, for tests */
    int ringFd() {
        return ringFd;
    }

    /** @return the tail as published (acquire), for tests */
    int publishedTail() {
        return Short.toUnsignedInt((short) SHORT.getAcquire(entries, BufRingDescriptor.RING_TAIL));
    }
}
