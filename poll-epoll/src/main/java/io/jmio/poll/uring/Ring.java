package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One io_uring instance: its descriptor, its submission and completion rings mapped into this process
 * ({@code IORING_FEAT_SINGLE_MMAP}: both rings in one mapping, the submission entries in a second),
 * and the few kinds of submission entries jmio writes. Shaped to serve the completion API too: it
 * knows nothing of registrations.
 *
 * <p><b>Memory ordering.</b> The kernel and this process share the ring heads and tails. The
 * producer writes its entries, then stores its tail with release semantics; the consumer loads the
 * tail with acquire semantics before reading the entries, and stores its head with release once it
 * has read them. Here {@link #publish()} stores the submission tail (release), {@link #sqHead()} loads
 * the kernel's consumption point (acquire), {@link #cqReady()} loads the completion tail (acquire)
 * and {@link #cqAdvance(int)} stores the completion head (release), through
 * {@link MethodHandles#byteBufferViewVarHandle} views of the mapped memory (which Java 17 has).
 *
 * <p>The submission ring's index array is filled once with the identity (slot i names entry i), so
 * a new entry is written at {@code tail & mask} directly.
 *
 * <p>Threading: not thread-safe. One thread at a time writes submissions (the owner of the lock
 * around it) and one thread reaps completions; {@link #sqHead()} may be read by any thread.
 */
final class Ring {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final com.kenai.jffi.MemoryIO MEMORY = com.kenai.jffi.MemoryIO.getInstance();

    final int fd;
    final int sqEntries;
    final int cqEntries;
    final int features;
    private final long ringAddress;
    private final long ringLength;
    private final long sqesAddress;
    private final long sqesLength;
    private final ByteBuffer rings;
    private final ByteBuffer sqes;
    private final int sqHeadOffset;
    private final int sqTailOffset;
    private final int sqFlagsOffset;
    private final int sqMask;
    private final int cqHeadOffset;
    private final int cqTailOffset;
    private final int cqMask;
    private final int cqesOffset;
    /** The tail as this process has written it; published by {@link #publish()}. */
    private int sqTail;
    /** The completion head as this process has consumed it. */
    private int cqHead;
    /** A {@code __kernel_timespec} for timeouts; the kernel copies it when it takes the entry. */
    private final ByteBuffer timespec = NativeMemory.allocate(16);
    private final long timespecAddress = NativeMemory.address(timespec);

    private Ring(int fd, ByteBuffer params, long ringAddress, long ringLength, long sqesAddress, long sqesLength) {
        this.fd = fd;
        this.sqEntries = params.getInt(ParamsDescriptor.SQ_ENTRIES);
        this.cqEntries = params.getInt(ParamsDescriptor.CQ_ENTRIES);
        this.features = params.getInt(ParamsDescriptor.FEATURES);
        this.ringAddress = ringAddress;
        this.ringLength = ringLength;
        this.sqesAddress = sqesAddress;
        this.sqesLength = sqesLength;
        this.rings = MEMORY.newDirectByteBuffer(ringAddress, (int) ringLength).order(ByteOrder.nativeOrder());
        this.sqes = MEMORY.newDirectByteBuffer(sqesAddress, (int) sqesLength).order(ByteOrder.nativeOrder());
        int sq = ParamsDescriptor.SQ_OFF;
        int cq = ParamsDescriptor.CQ_OFF;
        this.sqHeadOffset = params.getInt(sq + ParamsDescriptor.SQ_HEAD);
        this.sqTailOffset = params.getInt(sq + ParamsDescriptor.SQ_TAIL);
        this.sqFlagsOffset = params.getInt(sq + ParamsDescriptor.SQ_FLAGS);
        this.sqMask = rings.getInt(params.getInt(sq + ParamsDescriptor.SQ_RING_MASK));
        this.cqHeadOffset = params.getInt(cq + ParamsDescriptor.CQ_HEAD);
        this.cqTailOffset = params.getInt(cq + ParamsDescriptor.CQ_TAIL);
        this.cqMask = rings.getInt(params.getInt(cq + ParamsDescriptor.CQ_RING_MASK));
        this.cqesOffset = params.getInt(cq + ParamsDescriptor.CQ_CQES);
        int array = params.getInt(sq + ParamsDescriptor.SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) {
            rings.putInt(array + 4 * i, i);
        }
        this.sqTail = (int) INT.getAcquire(rings, sqTailOffset);
        this.cqHead = (int) INT.getAcquire(rings, cqHeadOffset);
    }

    /**
     * Creates a ring.
     *
     * @param entries   submission entries (a power of two; the kernel clamps)
     * @param cqEntries completion entries
     * @return the ring, mapped
     * @throws IOException if the kernel refuses, or lacks a feature jmio needs
     */
    static Ring open(int entries, int cqEntries) throws IOException {
        return open(entries, cqEntries, 0);
    }

    /**
     * Creates a ring with set-up flags beyond jmio's own ({@code IORING_SETUP_CQSIZE | CLAMP | SUBMIT_ALL}),
     * such as the completion queue's opt-in task-running modes.
     *
     * @param entries    submission entries (a power of two; the kernel clamps)
     * @param cqEntries  completion entries
     * @param extraFlags more {@code IORING_SETUP_*} flags
     * @return the ring, mapped
     * @throws IOException if the kernel refuses (EINVAL: a flag it does not know), or lacks a feature jmio needs
     */
    static Ring open(int entries, int cqEntries, int extraFlags) throws IOException {
        ByteBuffer params = NativeMemory.allocate(ParamsDescriptor.SIZE);
        params.putInt(ParamsDescriptor.FLAGS, UringNative.IORING_SETUP_CQSIZE | UringNative.IORING_SETUP_CLAMP
                | UringNative.IORING_SETUP_SUBMIT_ALL | extraFlags);
        params.putInt(ParamsDescriptor.CQ_ENTRIES, cqEntries);
        int fd = UringNative.setup(entries, NativeMemory.address(params));
        long ringAddress = 0;
        long ringLength = 0;
        try {
            int features = params.getInt(ParamsDescriptor.FEATURES);
            int need = UringNative.IORING_FEAT_SINGLE_MMAP | UringNative.IORING_FEAT_NODROP;
            if ((features & need) != need) {
                throw new IOException("io_uring lacks IORING_FEAT_SINGLE_MMAP or IORING_FEAT_NODROP (features 0x"
                        + Integer.toHexString(features) + "): jmio needs Linux 6.0 or later");
            }
            int sq = params.getInt(ParamsDescriptor.SQ_ENTRIES);
            int cq = params.getInt(ParamsDescriptor.CQ_ENTRIES);
            long sqSize = params.getInt(ParamsDescriptor.SQ_OFF + ParamsDescriptor.SQ_ARRAY) + 4L * sq;
            long cqSize = params.getInt(ParamsDescriptor.CQ_OFF + ParamsDescriptor.CQ_CQES) + (long) CqeDescriptor.SIZE * cq;
            ringLength = Math.max(sqSize, cqSize);
            ringAddress = UringNative.mmap(fd, ringLength, UringNative.IORING_OFF_SQ_RING);
            long sqesLength = (long) SqeDescriptor.SIZE * sq;
            long sqesAddress = UringNative.mmap(fd, sqesLength, UringNative.IORING_OFF_SQES);
            return new Ring(fd, params, ringAddress, ringLength, sqesAddress, sqesLength);
        } catch (IOException | RuntimeException e) {
            if (ringAddress != 0) {
                try {
                    UringNative.munmap(ringAddress, ringLength);
                } catch (SyscallException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            Posix.closeQuietly(fd, e);
            throw e;
        }
    }

    // ---- submissions ------------------------------------------------------------------------

    /** @return the kernel's consumption point of the submission ring (acquire) */
    int sqHead() {
        return (int) INT.getAcquire(rings, sqHeadOffset);
    }

    /** @return the submission ring's flags, as the kernel sets them (acquire) */
    int sqFlags() {
        return (int) INT.getAcquire(rings, sqFlagsOffset);
    }

    /** @return the submission tail as written so far (published or not) */
    int sqTail() {
        return sqTail;
    }

    /** @return the free submission slots */
    int sqFree() {
        return sqEntries - (sqTail - sqHead());
    }

    /** @return the entries written and not yet consumed by the kernel */
    int sqPending() {
        return sqTail - sqHead();
    }

    /** Makes the entries written so far visible to the kernel (release store of the tail). */
    void publish() {
        INT.setRelease(rings, sqTailOffset, sqTail);
    }

    /** @return the byte offset of the next entry, zeroed; the caller checked {@link #sqFree()} */
    private int nextSqe() {
        int at = (sqTail & sqMask) * SqeDescriptor.SIZE;
        sqTail++;
        for (int i = 0; i < SqeDescriptor.SIZE; i += 8) {
            sqes.putLong(at + i, 0L);
        }
        return at;
    }

    /** {@code IORING_OP_POLL_ADD}: single-shot, or multishot (edge-triggered) with {@code multishot}. */
    void prepPollAdd(int fd, int pollEvents, boolean multishot, long userData) {
        int at = nextSqe();
        sqes.put(at + SqeDescriptor.OPCODE, (byte) UringNative.IORING_OP_POLL_ADD);
        sqes.putInt(at + SqeDescriptor.FD, fd);
        sqes.putInt(at + SqeDescriptor.LEN, multishot ? UringNative.IORING_POLL_ADD_MULTI : 0);
        sqes.putInt(at + SqeDescriptor.OP_FLAGS, pollEvents);
        sqes.putLong(at + SqeDescriptor.USER_DATA, userData);
    }

    /**
     * {@code IORING_OP_POLL_REMOVE} with {@code IORING_POLL_UPDATE_EVENTS} and
     * {@code IORING_POLL_UPDATE_USER_DATA}: the poll request whose user_data is {@code target} is
     * disarmed, given {@code pollEvents} and {@code newUserData}, and armed again on the same file, so
     * readiness that exists now is reported again (its trigger behaviour, multishot or not, stays). Its
     * own completion is skipped on success; a failure ({@code -ENOENT}: no such request,
     * {@code -EALREADY}: it is completing) is posted under {@code userData}.
     */
    void prepPollUpdate(long target, long newUserData, int pollEvents, long userData) {
        int at = nextSqe();
        sqes.put(at + SqeDescriptor.OPCODE, (byte) UringNative.IORING_OP_POLL_REMOVE);
        sqes.put(at + SqeDescriptor.FLAGS, (byte) UringNative.IOSQE_CQE_SKIP_SUCCESS);
        sqes.putInt(at + SqeDescriptor.FD, -1);
        sqes.putLong(at + SqeDescriptor.ADDR, target);
        sqes.putLong(at + SqeDescriptor.OFF, newUserData);
        sqes.putInt(at + SqeDescriptor.LEN, UringNative.IORING_POLL_UPDATE_EVENTS | UringNative.IORING_POLL_UPDATE_USER_DATA);
        sqes.putInt(at + SqeDescriptor.OP_FLAGS, pollEvents);
        sqes.putLong(at + SqeDescriptor.USER_DATA, userData);
    }

    /**
     * {@code IORING_OP_TIMEOUT}, relative: completes with {@code -ETIME} after {@code nanos}, or with 0
     * as soon as {@code count} other completions were posted after it was taken (0: only on expiry).
     */
    void prepTimeout(long nanos, int count, long userData) {
        timespec.putLong(0, nanos / 1_000_000_000L);
        timespec.putLong(8, nanos % 1_000_000_000L);
        int at = nextSqe();
        sqes.put(at + SqeDescriptor.OPCODE, (byte) UringNative.IORING_OP_TIMEOUT);
        sqes.putInt(at + SqeDescriptor.FD, -1);
        sqes.putLong(at + SqeDescriptor.OFF, count);
        sqes.putLong(at + SqeDescriptor.ADDR, timespecAddress);
        sqes.putInt(at + SqeDescriptor.LEN, 1);
        sqes.putLong(at + SqeDescriptor.USER_DATA, userData);
    }

    /**
     * {@code IORING_OP_TIMEOUT_REMOVE} with {@code IORING_TIMEOUT_UPDATE} (Linux 5.11): the armed timeout
     * whose user_data is {@code target} expires {@code nanos} from now instead, its count unchanged, and
     * posts nothing; the update's own completion is skipped on success, a failure ({@code -ENOENT}: it
     * already completed) is posted under {@code userData}.
     */
    void prepTimeoutUpdate(long target, long nanos, long userData) {
        timespec.putLong(0, nanos / 1_000_000_000L);
        timespec.putLong(8, nanos % 1_000_000_000L);
        int at = nextSqe();
        sqes.put(at + SqeDescriptor.OPCODE, (byte) UringNative.IORING_OP_TIMEOUT_REMOVE);
        sqes.put(at + SqeDescriptor.FLAGS, (byte) UringNative.IOSQE_CQE_SKIP_SUCCESS);
        sqes.putInt(at + SqeDescriptor.FD, -1);
        sqes.putLong(at + SqeDescriptor.ADDR, target);
        sqes.putLong(at + SqeDescriptor.OFF, timespecAddress); // addr2; the kernel copies it when it takes the entry
        sqes.putInt(at + SqeDescriptor.OP_FLAGS, UringNative.IORING_TIMEOUT_UPDATE);
        sqes.putLong(at + SqeDescriptor.USER_DATA, userData);
    }

    /**
     * One entry of the completion API's operations (accept, recv, send, cancel), fields as in
     * {@link SqeDescriptor}; the caller checked {@link #sqFree()}.
     */
    void prep(int opcode, int fd, long addr, int len, long off, int opFlags, int ioprio, long userData) {
        int at = nextSqe();
        sqes.put(at + SqeDescriptor.OPCODE, (byte) opcode);
        sqes.putShort(at + SqeDescriptor.IOPRIO, (short) ioprio);
        sqes.putInt(at + SqeDescriptor.FD, fd);
        sqes.putLong(at + SqeDescriptor.OFF, off);
        sqes.putLong(at + SqeDescriptor.ADDR, addr);
        sqes.putInt(at + SqeDescriptor.LEN, len);
        sqes.putInt(at + SqeDescriptor.OP_FLAGS, opFlags);
        sqes.putLong(at + SqeDescriptor.USER_DATA, userData);
    }

    /**
     * Makes the entry written last take its buffer from provided-buffer group {@code group}
     * ({@code IOSQE_BUFFER_SELECT}, {@code buf_group}); the caller wrote it just before.
     */
    void selectBuffer(int group) {
        int at = ((sqTail - 1) & sqMask) * SqeDescriptor.SIZE;
        sqes.put(at + SqeDescriptor.FLAGS, (byte) (sqes.get(at + SqeDescriptor.FLAGS) | UringNative.IOSQE_BUFFER_SELECT));
        sqes.putShort(at + SqeDescriptor.BUF_GROUP, (short) group);
    }

    // ---- completions ------------------------------------------------------------------------

    /** @return the completions posted and not yet consumed (acquire load of the tail) */
    int cqReady() {
        return (int) INT.getAcquire(rings, cqTailOffset) - cqHead;
    }

    private int cqe(int i) {
        return cqesOffset + ((cqHead + i) & cqMask) * CqeDescriptor.SIZE;
    }

    /** @param i index among the {@link #cqReady()} completions @return its user_data */
    long cqeUserData(int i) {
        return rings.getLong(cqe(i) + CqeDescriptor.USER_DATA);
    }

    /** @param i index @return its res */
    int cqeRes(int i) {
        return rings.getInt(cqe(i) + CqeDescriptor.RES);
    }

    /** @param i index @return its flags */
    int cqeFlags(int i) {
        return rings.getInt(cqe(i) + CqeDescriptor.FLAGS);
    }

    /** Hands {@code n} completions back to the kernel (release store of the head). */
    void cqAdvance(int n) {
        cqHead += n;
        INT.setRelease(rings, cqHeadOffset, cqHead);
    }

    /** Unmaps the rings and closes the descriptor; the kernel then cancels every request. */
    void close() throws SyscallException {
        SyscallException first = null;
        try {
            UringNative.munmap(sqesAddress, sqesLength);
        } catch (SyscallException e) {
            first = e;
        }
        try {
            UringNative.munmap(ringAddress, ringLength);
        } catch (SyscallException e) {
            first = addTo(first, e);
        }
        try {
            Posix.close(fd);
        } catch (SyscallException e) {
            first = addTo(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    private static SyscallException addTo(SyscallException first, SyscallException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "Ring(fd=" + fd + ", sq=" + sqEntries + ", cq=" + cqEntries + ")";
    }
}
