package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Sockaddr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The io_uring implementation of {@link CompletionQueue}: each operation is one submission entry
 * whose {@code user_data} is the queue's slot reference (bit 63 clear); the entries are handed to the
 * kernel by the {@code io_uring_enter} of the next {@link #reap}, which also waits, so a loop that
 * submits and reaps costs one system call per turn however many operations it carries.
 *
 * <p>A full submission ring is flushed with an {@code io_uring_enter} that only submits, and the
 * entry written after it. Completion-queue overflow loses nothing: the ring has
 * {@code IORING_FEAT_NODROP} (checked by {@link Ring#open}), the kernel keeps the overflow and moves it
 * into the ring at the next {@code io_uring_enter} with {@code IORING_ENTER_GETEVENTS}, which every
 * reap makes when it finds the ring empty; {@code EBUSY} from that call (overflow still pending) is
 * answered by reaping what is there.
 *
 * <p>A wait with a time limit adds an {@code IORING_OP_TIMEOUT} of the queue's own (user_data bit 63
 * set) that completes on expiry or after one other completion; its completion is not reported.
 *
 * <p>Threading: not thread-safe, as {@link CompletionQueue}.
 */
final class UringCompletionQueue extends CompletionQueue {
    private static final long INTERNAL = 1L << 63;
    private static final int SOCK_NONBLOCK_CLOEXEC = 0x800 | 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EBUSY = 16;
    private static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;

    private final Ring ring;
    private final ByteBuffer timespecs;
    private final long timespecsAddress;

    /** Room for a {@code sockaddr_in6} (28 bytes) per slot, rounded up. */
    private static final int SOCKADDR_SIZE = 32;

    private final ByteBuffer sockaddrs;
    private final long sockaddrsAddress;

    private UringCompletionQueue(Ring ring) {
        super(2 * ring.cqEntries); // more than the completion ring holds: NODROP keeps the overflow
        this.ring = ring;
        this.timespecs = NativeMemory.allocate(16 * capacity());
        this.timespecsAddress = NativeMemory.address(timespecs);
        this.sockaddrs = NativeMemory.allocate(SOCKADDR_SIZE * capacity());
        this.sockaddrsAddress = NativeMemory.address(sockaddrs);
    }

    static UringCompletionQueue create(int entries) throws IOException {
        return new UringCompletionQueue(Ring.open(entries, entries * 4));
    }

    /** Makes room for one entry: submits what the ring holds if it is full. */
    private void room() throws SyscallException {
        if (ring.sqFree() > 0) {
            return;
        }
        ring.publish();
        UringNative.enter(ring.fd, ring.sqPending(), 0, 0);
        if (ring.sqFree() == 0) {
            throw new SyscallException("io_uring_enter", Errno.EAGAIN, "EAGAIN",
                    "the kernel took none of " + ring.sqPending() + " submissions (ring fd " + ring.fd + ")");
        }
    }

    @Override
    protected void prepAccept(long userData, long fd) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_ACCEPT, (int) fd, 0, 0, 0, SOCK_NONBLOCK_CLOEXEC,
                UringNative.IORING_ACCEPT_MULTISHOT, userData);
    }

    /** The address stays in the slot's memory until the completion (the kernel may read it late). */
    @Override
    protected void prepConnect(long userData, long fd, int slot, InetSocketAddress address) throws IOException {
        room();
        int at = SOCKADDR_SIZE * slot;
        int length = Sockaddr.current().putInet(sockaddrs, at, address);
        ring.prep(UringNative.IORING_OP_CONNECT, (int) fd, sockaddrsAddress + at, 0, length, 0, 0, userData);
    }

    @Override
    protected void prepRecv(long userData, long fd, long address, int length) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_RECV, (int) fd, address, length, 0, 0, 0, userData);
    }

    @Override
    protected void prepSend(long userData, long fd, long address, int length) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_SEND, (int) fd, address, length, 0, MSG_NOSIGNAL, 0, userData);
    }

    /**
     * {@code sqe->addr} is the {@code msghdr}, {@code len} 1 (as liburing sets it; unused without a
     * buffer group). The kernel copies the {@code msghdr} and its {@code iovec} when it takes the entry
     * ({@code io_recvmsg_prep}, Linux 6.x; at issue time in 5.x), and at completion writes the source
     * address through {@code msg_name} and {@code msg_namelen}, {@code msg_flags} into the caller's
     * {@code msghdr}: the message stays untouched until then, which the queue enforces.
     */
    @Override
    protected void prepRecvmsg(long userData, long fd, long msghdr) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_RECVMSG, (int) fd, msghdr, 1, 0, 0, 0, userData);
    }

    /** As {@link #prepRecvmsg}; the destination is copied in with the {@code msghdr}. */
    @Override
    protected void prepSendmsg(long userData, long fd, long msghdr) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_SENDMSG, (int) fd, msghdr, 1, 0, MSG_NOSIGNAL, 0, userData);
    }

    @Override
    protected void prepTimeout(long userData, int slot, long nanos) throws IOException {
        room();
        int at = 16 * slot;
        timespecs.putLong(at, nanos / 1_000_000_000L);
        timespecs.putLong(at + 8, nanos % 1_000_000_000L);
        ring.prep(UringNative.IORING_OP_TIMEOUT, -1, timespecsAddress + at, 1, 0, 0, 0, userData);
    }

    @Override
    protected void prepCancel(long userData, long target) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, 0, 0, userData);
    }

    @Override
    protected void prepCancelAll(long userData, long fd) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_ASYNC_CANCEL, (int) fd, 0, 0, 0,
                UringNative.IORING_ASYNC_CANCEL_ALL | UringNative.IORING_ASYNC_CANCEL_FD, 0, userData);
    }

    @Override
    protected int drain(long[] userData, int[] results, int[] flags, int max, long timeoutNanos) throws IOException {
        if (ring.cqReady() == 0 || ring.sqPending() > 0) {
            int minComplete = 0;
            if (timeoutNanos != 0 && ring.cqReady() == 0) {
                minComplete = 1;
                if (timeoutNanos > 0) {
                    room();
                    ring.prepTimeout(timeoutNanos, 1, INTERNAL);
                }
            }
            ring.publish();
            try {
                UringNative.enter(ring.fd, ring.sqPending(), minComplete, UringNative.IORING_ENTER_GETEVENTS);
            } catch (SyscallException e) {
                if (e.errno() != EBUSY || ring.cqReady() == 0) {
                    throw e;
                }
            }
        }
        int ready = ring.cqReady();
        int n = 0;
        int i = 0;
        for (; i < ready && n < max; i++) {
            long ud = ring.cqeUserData(i);
            if ((ud & INTERNAL) != 0) {
                continue;
            }
            userData[n] = ud;
            results[n] = ring.cqeRes(i);
            flags[n] = ring.cqeFlags(i);
            n++;
        }
        ring.cqAdvance(i);
        return n;
    }

    @Override
    protected void flush() throws IOException {
        if (ring.sqPending() > 0) {
            ring.publish();
            UringNative.enter(ring.fd, ring.sqPending(), 0, 0);
        }
    }

    /** @return true while the kernel holds completions the ring had no room for ({@code IORING_SQ_CQ_OVERFLOW}) */
    boolean overflowPending() {
        return (ring.sqFlags() & IORING_SQ_CQ_OVERFLOW) != 0;
    }

    @Override
    protected void closeQueue() throws IOException {
        ring.close();
    }

    @Override
    protected String errnoName(int errno) {
        return UringNative.errnoName(errno);
    }

    @Override
    protected int enoent() {
        return Errno.ENOENT;
    }

    @Override
    public String toString() {
        return "UringCompletionQueue(" + ring + ", " + inFlight() + " in flight)";
    }
}
