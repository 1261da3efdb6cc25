package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.Sockaddr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

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
 * reap makes when it finds the ring empty. {@code EBUSY} from that call is the refusal of kernels
 * before 6.1 to submit while overflowed completions cannot be moved into a full ring (6.1 and later
 * flush what fits and go on); nothing was submitted, so the reap returns what the ring holds, even
 * nothing, and the entries stay queued for the next {@code io_uring_enter}; a reap with a time limit
 * goes round until it, as after a signal.
 *
 * <p>Buffer rings ({@link UringBufferRing}) are provided-buffer rings registered on this ring under
 * the group id the queue hands out; a multishot receive is one {@code IORING_OP_RECV} entry with
 * {@code IORING_RECV_MULTISHOT} and {@code IOSQE_BUFFER_SELECT}, each completion naming its buffer in
 * the upper 16 bits of its flags, which reach {@link io.jmio.poll.completion.Completions} unchanged.
 *
 * <p>A wait with a time limit adds an {@code IORING_OP_TIMEOUT} of the queue's own (user_data
 * {@link #WAIT_TIMEOUT}) that completes on expiry or after one other completion; its completion is not
 * reported. The kernel does not count every completion towards that one: on Linux 6.18 the expiry of a
 * user's timeout submitted in an earlier {@code io_uring_enter} does not count, nor does a wait ended by
 * a signal, so the queue's timeout can outlive its wait. The next wait with a limit then updates it
 * ({@code IORING_OP_TIMEOUT_REMOVE} with {@code IORING_TIMEOUT_UPDATE}, batched into that wait's
 * {@code io_uring_enter}, no completion on success) instead of adding another, so at most one is armed
 * however many waits a loop makes, and the last one expires within the last limit. Not
 * {@code IORING_ENTER_EXT_ARG} with a timespec (no entry at all): {@code io_uring_enter} then needs its
 * sixth argument, {@code argsz}, which the binding cannot pass without allocating (see
 * {@link UringLibrary}). A wait that a late expiry, a failed update (the timeout completed meanwhile)
 * or a signal ends with nothing to report goes round again, until the wait's own limit.
 *
 * <p><b>Wake-up.</b> An eventfd of the queue's own is watched by a multishot {@code IORING_OP_POLL_ADD}
 * (user_data {@link #WAKE}); {@link #wake()}, from any thread, writes it once until the owner has
 * seen the wake (later calls only find the flag set), so a waiting {@code io_uring_enter} gets a
 * completion and returns. The counter is read back only when that completion arrives (or, if the
 * kernel ended the poll, left for the poll armed again to find), so a loop nobody wakes makes no
 * extra system call. An eventfd rather
 * than {@code IORING_OP_MSG_RING}: a message needs a ring of the sender's own to submit it from, while
 * a {@code write(2)} works from any thread and touches nothing of this ring (so it stays compatible
 * with {@code IORING_SETUP_SINGLE_ISSUER}). The eventfd is an {@link OwnedFd}, so a wake racing
 * {@link #closeQueue()} never writes to a reused number.
 *
 * <p><b>Sockets closed from another thread.</b> Their cancellation ({@link #prepCancelClosed}) is an
 * {@code IORING_OP_ASYNC_CANCEL} with {@code IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL} queued by
 * the owner in its next reap, user_data {@link #CANCEL_CLOSED}: the kernel resolves the number to the
 * open file when it takes the entry, within the submitting {@code io_uring_enter}, while the
 * operations in flight still hold the number; it runs after any operation queued before it, so an
 * operation queued but not yet submitted is cancelled too. Not {@code IORING_REGISTER_SYNC_CANCEL} from
 * the closing thread: it misses entries not yet submitted, and under {@code IORING_SETUP_SINGLE_ISSUER}
 * the kernel refuses {@code io_uring_register} from any task but the ring's submitter.
 *
 * <p>Threading: not thread-safe, as {@link CompletionQueue}; {@link #wake()} is thread-safe.
 */
final class UringCompletionQueue extends CompletionQueue {
    private static final long INTERNAL = 1L << 63;
    /** The user_data of the multishot poll of the wake-up eventfd. */
    private static final long WAKE = INTERNAL | 1;
    /** The user_data of the cancellation of a socket closed from any thread. */
    private static final long CANCEL_CLOSED = INTERNAL | 2;
    /** The user_data of the timeout that limits a wait. */
    private static final long WAIT_TIMEOUT = INTERNAL | 3;
    /** The user_data of an update of the wait's timeout (posted only if it failed: ENOENT, already completed). */
    private static final long WAIT_TIMEOUT_UPDATE = INTERNAL | 4;
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

    /** The wake-up eventfd. */
    private final OwnedFd wakeFd;
    /** 1 from a wake's write until the owner reaps its completion: later wakes write nothing. */
    private final AtomicInteger wakePending = new AtomicInteger();
    /** Bytes 0-7 hold 1 (written to the eventfd), 8-15 receive its counter. */
    private final ByteBuffer wakeWords = NativeMemory.allocate(16).putLong(0, 1L);
    private final long wakeWordsAddress = NativeMemory.address(wakeWords);

    private UringCompletionQueue(Ring ring, int eventFd) {
        super(2 * ring.cqEntries); // more than the completion ring holds: NODROP keeps the overflow
        this.ring = ring;
        this.timespecs = NativeMemory.allocate(16 * capacity());
        this.timespecsAddress = NativeMemory.address(timespecs);
        this.sockaddrs = NativeMemory.allocate(SOCKADDR_SIZE * capacity());
        this.sockaddrsAddress = NativeMemory.address(sockaddrs);
        this.wakeFd = new OwnedFd(eventFd);
        ring.prepPollAdd(eventFd, UringNative.POLLIN, true, WAKE); // the ring is empty: there is room
    }

    /** The queue {@code CompletionQueue.open} gives: cooperative task running, which binds it to no thread. */
    static UringCompletionQueue create(int entries) throws IOException {
        return create(entries, UringCompletionBackend.TaskRun.COOPERATIVE);
    }

    /**
     * Failure-atomic: if anything fails after the ring or the eventfd is open (an
     * {@link OutOfMemoryError} for the queue's direct buffers included), both are closed, the eventfd
     * first, and a failure to close is added to the first one as suppressed.
     *
     * @param taskRun how the kernel runs the ring's task work (its set-up flags)
     */
    static UringCompletionQueue create(int entries, UringCompletionBackend.TaskRun taskRun) throws IOException {
        Ring ring = Ring.open(entries, entries * 4, taskRun.setupFlags);
        int eventFd = -1;
        try {
            eventFd = UringNative.eventfd();
            return new UringCompletionQueue(ring, eventFd);
        } catch (Throwable e) {
            if (eventFd >= 0) {
                Posix.closeQuietly(eventFd, e);
            }
            try {
                ring.close();
            } catch (SyscallException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
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

    /** {@code IORING_OP_RECV} with {@code IORING_RECV_MULTISHOT} and {@code IOSQE_BUFFER_SELECT}; len 0 (the buffer's). */
    @Override
    protected void prepRecvMultishot(long userData, long fd, int group) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_RECV, (int) fd, 0, 0, 0, 0, UringNative.IORING_RECV_MULTISHOT, userData);
        ring.selectBuffer(group);
    }

    @Override
    protected BufferRing openBufferRing(int group, int count, int size) throws IOException {
        return UringBufferRing.register(this, ring.fd, group, count, size);
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
    protected void prepCancelClosed(long fd) throws IOException {
        room();
        ring.prep(UringNative.IORING_OP_ASYNC_CANCEL, (int) fd, 0, 0, 0,
                UringNative.IORING_ASYNC_CANCEL_ALL | UringNative.IORING_ASYNC_CANCEL_FD, 0, CANCEL_CLOSED);
    }

    @Override
    protected void wake() throws IOException {
        if (wakePending.get() != 0 || wakePending.getAndSet(1) != 0) {
            return; // a write is on its way to the owner, or arrived and is not yet reaped
        }
        int fd;
        try {
            fd = wakeFd.acquireFd();
        } catch (ClosedChannelException e) {
            return; // the queue is closed: nobody to wake
        }
        try {
            Posix.write(fd, wakeWordsAddress, 8); // WOULD_BLOCK: the counter is at its maximum, readable anyway
        } finally {
            wakeFd.release();
        }
    }

    /**
     * The wake-up's completion was reaped: clears the flag, then reads the counter back (in that
     * order: a write after the clear posts a completion of its own). If the kernel ended the poll
     * (an overflowing completion ring, or the thread that submitted it exited: {@code -ECANCELED})
     * the counter is left alone and the poll armed again: no poll saw a write made after the clear,
     * and reading it would swallow that wake-up while its flag stays set, so every later wake-up
     * would write nothing; the new poll completes at once if the counter is non-zero.
     */
    private void woken(boolean rearm) throws IOException {
        wakePending.set(0);
        if (rearm) {
            rearmWake = true; // by the next drain, before it submits: a failure there loses no completion reaped here
        } else {
            Posix.read(wakeFd.rawFd(), wakeWordsAddress + 8, 8);
        }
    }

    /** The kernel ended the wake-up's poll: the next {@link #drainOnce} arms it again. */
    private boolean rearmWake;

    /**
     * Waits as {@link CompletionQueue#reap} says: a wait ends with at least one of the user's
     * completions, a wake-up, or the time limit; not with a completion of the queue's own alone (a
     * timeout of an earlier wait the kernel left armed: it does not count a timeout's expiry towards
     * another's count), nor with a signal ({@code EINTR}): those go round again.
     */
    @Override
    protected int drain(long[] userData, int[] results, int[] flags, int max, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        long wait = timeoutNanos;
        while (true) {
            int n = drainOnce(userData, results, flags, max, wait);
            if (n > 0 || timeoutNanos == 0 || wokenNow) {
                return n;
            }
            if (timeoutNanos > 0) {
                wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    return 0;
                }
            }
        }
    }

    /** Whether the last {@link #drainOnce} reaped the wake-up's completion. */
    private boolean wokenNow;

    private int drainOnce(long[] userData, int[] results, int[] flags, int max, long timeoutNanos) throws IOException {
        if (rearmWake) {
            room();
            ring.prepPollAdd(wakeFd.rawFd(), UringNative.POLLIN, true, WAKE);
            rearmWake = false;
        }
        if (ring.cqReady() == 0 || ring.sqPending() > 0) {
            int minComplete = 0;
            if (timeoutNanos != 0 && ring.cqReady() == 0) {
                minComplete = 1;
                if (timeoutNanos > 0) {
                    limitWait(timeoutNanos);
                }
            }
            ring.publish();
            try {
                UringNative.enter(ring.fd, ring.sqPending(), minComplete, UringNative.IORING_ENTER_GETEVENTS);
            } catch (SyscallException e) {
                if (e.errno() != EBUSY) {
                    throw e;
                } // nothing was submitted: reap what the ring holds (perhaps nothing), enter again next time
            }
        }
        int ready = ring.cqReady();
        int n = 0;
        int i = 0;
        int woken = 0; // 1: the wake's completion came, 2: without IORING_CQE_F_MORE (re-arm)
        for (; i < ready; i++) { // the queue's own completions are consumed up to the first one not copied
            long ud = ring.cqeUserData(i);
            if ((ud & INTERNAL) != 0) {
                if (ud == WAIT_TIMEOUT) {
                    waitTimeouts--;
                } else if (ud == WAKE) {
                    woken = Math.max(woken, (ring.cqeFlags(i) & UringNative.IORING_CQE_F_MORE) != 0 ? 1 : 2);
                }
                continue;
            }
            if (n == max) {
                break;
            }
            userData[n] = ud;
            results[n] = ring.cqeRes(i);
            flags[n] = ring.cqeFlags(i);
            n++;
        }
        ring.cqAdvance(i);
        wokenNow = woken != 0;
        if (woken != 0) {
            woken(woken == 2);
        }
        return n;
    }

    /** Wait timeouts submitted whose completion was not yet reaped: 0 or 1 (2 only past an EBUSY). */
    private int waitTimeouts;
    /** The most {@link #waitTimeouts} there were. */
    private int waitTimeoutsMost;

    /**
     * Limits the coming wait: gives the wait timeout still armed (one whose completion was not reaped)
     * the new expiry, or, if there is none, submits one. An update that finds the timeout completed
     * meanwhile fails ({@code ENOENT}, posted), which ends the wait with only the queue's own
     * completions, so the wait goes round and arms a new one: no wait goes without its limit.
     */
    private void limitWait(long timeoutNanos) throws SyscallException {
        room();
        if (waitTimeouts > 0) {
            ring.prepTimeoutUpdate(WAIT_TIMEOUT, timeoutNanos, WAIT_TIMEOUT_UPDATE);
        } else {
            ring.prepTimeout(timeoutNanos, 1, WAIT_TIMEOUT);
            waitTimeoutsMost = Math.max(waitTimeoutsMost, ++waitTimeouts);
        }
    }

    /** @return the wait timeouts submitted whose completion was not yet reaped, for tests */
    int waitTimeoutsArmed() {
        return waitTimeouts;
    }

    /** @return the most wait timeouts that were submitted and not yet reaped at once, for tests */
    int waitTimeoutsMost() {
        return waitTimeoutsMost;
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
        try {
            ring.close();
        } finally {
            wakeFd.close(); // a wake in progress keeps the number until it is done
        }
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
