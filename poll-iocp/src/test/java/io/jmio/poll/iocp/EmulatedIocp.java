package io.jmio.poll.iocp;

import static io.jmio.poll.iocp.LinuxEpoll.EPOLLERR;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLLHUP;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLLIN;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLLONESHOT;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLLOUT;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLLRDHUP;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLL_CTL_ADD;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLL_CTL_DEL;
import static io.jmio.poll.iocp.LinuxEpoll.EPOLL_CTL_MOD;
import static io.jmio.poll.iocp.LinuxEpoll.LIB;

import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import com.kenai.jffi.MemoryIO;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A test-only emulation of the completion-port and AFD-poll contract over Linux descriptors, so that
 * {@link IocpSelector} runs unchanged on Linux: sockets are file descriptors, readiness comes from a
 * private epoll instance per port, and completions are written into the very native memory the
 * selector hands over (status block, poll info, {@code OVERLAPPED_ENTRY} array), as the Windows kernel
 * writes it. Which documented rules it implements, and which not, is listed in
 * {@code IOCP_EMULATION.md} next to this file.
 *
 * <p>Handles of ports and AFD devices are synthetic numbers from 2^40 up, so they can never be taken
 * for a descriptor. Steady-state calls allocate nothing, so the allocation contract measures the
 * selector, not the emulation.
 *
 * <p>Threading: thread-safe; one thread at a time may wait in a given port, as the selector does.
 */
final class EmulatedIocp implements IocpSystem {
    private static final List<EmulatedIocp> INSTANCES = new CopyOnWriteArrayList<>();
    static final EmulatedIocp INSTANCE = new EmulatedIocp();

    private static final long HANDLE_BASE = 1L << 40;
    /** epoll {@code data} of a port's eventfd, which signals posted packets. */
    private static final long POSTED = -1L;
    private static final MemoryIO MEMORY = MemoryIO.getInstance();
    private static final String POLL_CALL = "NtDeviceIoControlFile(IOCTL_AFD_POLL)";

    /** Per-descriptor facts the Winsock emulation reports ({@link EmulatedAfd}): bits below. */
    static final int CONNECTING = 1;
    static final int LISTENING = 2;
    static final int READ_SHUT = 4;
    static final int DATAGRAM = 8;
    private static final AtomicIntegerArray FD_FLAGS = new AtomicIntegerArray(1 << 16);

    static void setFlag(long fd, int flag, boolean on) {
        if (fd >= 0 && fd < FD_FLAGS.length()) {
            int f;
            do {
                f = FD_FLAGS.get((int) fd);
            } while (!FD_FLAGS.compareAndSet((int) fd, f, on ? f | flag : f & ~flag));
        }
    }

    static void clearFlags(long fd) {
        if (fd >= 0 && fd < FD_FLAGS.length()) {
            FD_FLAGS.set((int) fd, 0);
        }
    }

    static int flags(int fd) {
        return fd >= 0 && fd < FD_FLAGS.length() ? FD_FLAGS.get(fd) : 0;
    }

    private Object[] objects = new Object[64];
    private int[] freeHandles = new int[64];
    private int freeCount;
    private int nextHandle;

    EmulatedIocp() {
        INSTANCES.add(this);
    }

    // ---- handle space ----------------------------------------------------------------------------

    private synchronized long newHandle(Object o) {
        int i;
        if (freeCount > 0) {
            i = freeHandles[--freeCount];
        } else {
            if (nextHandle == objects.length) {
                objects = Arrays.copyOf(objects, objects.length * 2);
                freeHandles = Arrays.copyOf(freeHandles, objects.length);
            }
            i = nextHandle++;
        }
        objects[i] = o;
        return HANDLE_BASE + i;
    }

    private synchronized Object object(long handle) {
        long i = handle - HANDLE_BASE;
        return i >= 0 && i < nextHandle ? objects[(int) i] : null;
    }

    private synchronized Object remove(long handle) {
        Object o = object(handle);
        if (o != null) {
            objects[(int) (handle - HANDLE_BASE)] = null;
            freeHandles[freeCount++] = (int) (handle - HANDLE_BASE);
        }
        return o;
    }

    private Port port(long handle) throws IOException {
        Object o = object(handle);
        if (!(o instanceof Port)) {
            throw WindowsErrors.win32("GetQueuedCompletionStatusEx", WindowsErrors.ERROR_INVALID_HANDLE, "handle " + handle);
        }
        return (Port) o;
    }

    private Afd afd(long handle, String call) throws IOException {
        Object o = object(handle);
        if (!(o instanceof Afd)) {
            throw WindowsErrors.ntStatus(call, WindowsErrors.STATUS_INVALID_HANDLE, WindowsErrors.ERROR_INVALID_HANDLE,
                    "handle " + handle);
        }
        return (Afd) o;
    }

    // ---- the emulated objects --------------------------------------------------------------------

    /** An AFD handle: associated with one port under one key. */
    private static final class Afd {
        final Port port;
        final long key;

        Afd(Port port, long key) {
            this.port = port;
            this.key = key;
        }
    }

    /** One AFD poll in flight. */
    private static final class Op {
        final int id;
        boolean active;
        Afd afd;
        long apcContext;
        long ioStatusBlock;
        long pollInfo;
        int fd;
        int afdMask;
        int epollMask;

        Op(int id) {
            this.id = id;
        }
    }

    /** A completion port: a packet queue, an epoll instance for readiness, an eventfd for posts. */
    private static final class Port {
        final int epfd;
        final int eventfd;
        final ByteBuffer scratch = NativeMemory.allocate(16);
        final long scratchAddress = NativeMemory.address(scratch);
        final ByteBuffer pollFd = NativeMemory.allocate(8);
        final long pollFdAddress = NativeMemory.address(pollFd);
        final ByteBuffer ctlEvent = NativeMemory.allocate(16);
        final long ctlEventAddress = NativeMemory.address(ctlEvent);
        ByteBuffer waitEvents = NativeMemory.allocate(64 * LinuxEpoll.EVENT_SIZE);
        long waitEventsAddress = NativeMemory.address(waitEvents);
        int waitCapacity = 64;

        long[] keys = new long[64];
        long[] overlappeds = new long[64];
        int[] bytes = new int[64];
        int head;
        int size;

        Op[] ops = new Op[0];
        int[] freeOps = new int[0];
        int freeOpCount;

        /** {@code NumberOfConcurrentThreads}; 0 is one per processor, which never holds a waiter back here. */
        final int concurrency;
        /** Threads that have waited on this port (associated with it), and whether each is waiting now. */
        final Thread[] associated = new Thread[16];
        final boolean[] waiting = new boolean[16];

        Port(int epfd, int eventfd, int concurrency) {
            this.epfd = epfd;
            this.eventfd = eventfd;
            this.concurrency = concurrency;
            scratch.putLong(0, 1L);
        }

        /** Marks the calling thread as waiting (true) or running again (false); associates it on first use. */
        synchronized void enterWait(boolean entering) {
            Thread me = Thread.currentThread();
            int free = -1;
            for (int i = 0; i < associated.length; i++) {
                if (associated[i] == me) {
                    waiting[i] = entering;
                    return;
                }
                if (free < 0 && (associated[i] == null || !associated[i].isAlive())) {
                    free = i;
                }
            }
            if (free >= 0) {
                associated[free] = me;
                waiting[free] = entering;
            }
        }

        /**
         * The concurrency gate: true while as many other associated threads as the concurrency value are
         * running (alive, not waiting on this port, and runnable: a thread blocked elsewhere does not count).
         */
        synchronized boolean gated() {
            if (concurrency <= 0) {
                return false;
            }
            Thread me = Thread.currentThread();
            int running = 0;
            for (int i = 0; i < associated.length; i++) {
                Thread t = associated[i];
                if (t != null && t != me && !waiting[i] && t.isAlive() && t.getState() == Thread.State.RUNNABLE) {
                    running++;
                }
            }
            return running >= concurrency;
        }

        /** Queues a packet; the caller signals the eventfd. Guarded by this. */
        void enqueue(long key, long overlapped, int n) {
            if (size == keys.length) {
                long[] k = new long[size * 2];
                long[] o = new long[size * 2];
                int[] b = new int[size * 2];
                for (int i = 0; i < size; i++) {
                    int j = (head + i) % keys.length;
                    k[i] = keys[j];
                    o[i] = overlappeds[j];
                    b[i] = bytes[j];
                }
                keys = k;
                overlappeds = o;
                bytes = b;
                head = 0;
            }
            int tail = (head + size) % keys.length;
            keys[tail] = key;
            overlappeds[tail] = overlapped;
            bytes[tail] = n;
            size++;
        }

        /** Moves queued packets into the entry array from index {@code n}; returns the new count. */
        synchronized int take(long entries, int n, int count) {
            while (size > 0 && n < count) {
                writeEntry(entries, n++, keys[head], overlappeds[head], bytes[head]);
                head = (head + 1) % keys.length;
                size--;
            }
            return n;
        }

        void signal() throws IOException {
            Posix.write(eventfd, scratchAddress, 8);
        }

        Op newOp() {
            if (freeOpCount == 0) {
                int first = ops.length;
                ops = Arrays.copyOf(ops, Math.max(16, first * 2));
                freeOps = Arrays.copyOf(freeOps, ops.length);
                for (int i = ops.length - 1; i >= first; i--) {
                    ops[i] = new Op(i);
                    freeOps[freeOpCount++] = i;
                }
            }
            Op op = ops[freeOps[--freeOpCount]];
            op.active = true;
            return op;
        }

        void freeOp(Op op) {
            op.active = false;
            op.afd = null;
            freeOps[freeOpCount++] = op.id;
        }

        /** @return the descriptor's readiness now, in epoll bits ({@code poll(2)} uses the same values) */
        int probe(int fd, int epollMask) {
            pollFd.putInt(0, fd);
            pollFd.putShort(4, (short) (epollMask & 0xFFFF));
            pollFd.putShort(6, (short) 0);
            return LIB.poll(pollFdAddress, 1, 0) > 0 ? pollFd.getShort(6) & 0xFFFF : 0;
        }

        int ctl(int op, int fd, int events, long data) {
            ctlEvent.putInt(0, events);
            ctlEvent.putLong(LinuxEpoll.EVENT_DATA_OFFSET, data);
            return LIB.epoll_ctl(epfd, op, fd, ctlEventAddress);
        }

        void ensureWaitCapacity(int count) {
            if (count > waitCapacity) {
                waitEvents = NativeMemory.allocate(count * LinuxEpoll.EVENT_SIZE);
                waitEventsAddress = NativeMemory.address(waitEvents);
                waitCapacity = count;
            }
        }
    }

    private static void writeEntry(long entries, int i, long key, long overlapped, int n) {
        long e = entries + (long) i * OverlappedEntryDescriptor.SIZE;
        MEMORY.putLong(e + OverlappedEntryDescriptor.COMPLETION_KEY_OFFSET, key);
        MEMORY.putLong(e + OverlappedEntryDescriptor.OVERLAPPED_OFFSET, overlapped);
        MEMORY.putLong(e + OverlappedEntryDescriptor.INTERNAL_OFFSET, 0);
        MEMORY.putInt(e + OverlappedEntryDescriptor.BYTES_TRANSFERRED_OFFSET, n);
    }

    // ---- IocpSystem ------------------------------------------------------------------------------

    @Override
    public long createPort(int concurrency) throws IOException {
        int epfd = LIB.epoll_create1(LinuxEpoll.EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw Posix.exception("epoll_create1", Posix.lastErrno(), "emulated CreateIoCompletionPort");
        }
        int efd = LIB.eventfd(0, LinuxEpoll.EFD_CLOEXEC | LinuxEpoll.EFD_NONBLOCK);
        if (efd < 0) {
            IOException e = Posix.exception("eventfd", Posix.lastErrno(), "emulated CreateIoCompletionPort");
            Posix.closeQuietly(epfd, e);
            throw e;
        }
        Port port = new Port(epfd, efd, concurrency);
        if (port.ctl(EPOLL_CTL_ADD, efd, EPOLLIN, POSTED) < 0) {
            IOException e = Posix.exception("epoll_ctl", Posix.lastErrno(), "emulated CreateIoCompletionPort");
            Posix.closeQuietly(efd, e);
            Posix.closeQuietly(epfd, e);
            throw e;
        }
        return newHandle(port);
    }

    @Override
    public int getQueuedCompletionStatusEx(long portHandle, long entries, int count, long removedAddress, int timeoutMillis)
            throws IOException {
        Port p = port(portHandle);
        p.ensureWaitCapacity(count);
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        p.enterWait(true);
        try {
            // Microsoft, "I/O Completion Ports": no packet is released to a waiter while the port's
            // associated running threads are at its concurrency value.
            while (p.gated()) {
                if (timeoutMillis >= 0 && System.nanoTime() - deadline >= 0) {
                    MEMORY.putInt(removedAddress, 0);
                    return 0;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            return take(p, entries, count, removedAddress, timeoutMillis, deadline);
        } finally {
            p.enterWait(false);
        }
    }

    private int take(Port p, long entries, int count, long removedAddress, int timeoutMillis, long deadline)
            throws IOException {
        int n = 0;
        while (true) {
            n = p.take(entries, n, count);
            if (n == count) {
                break;
            }
            int wait = n > 0 ? 0 : millisLeft(deadline, timeoutMillis);
            int m = LIB.epoll_wait(p.epfd, p.waitEventsAddress, count - n, wait);
            if (m < 0) {
                int errno = Posix.lastErrno();
                if (errno != Errno.EINTR) {
                    throw Posix.exception("epoll_wait", errno, "emulated GetQueuedCompletionStatusEx");
                }
                m = 0;
            }
            for (int j = 0; j < m; j++) {
                int at = j * LinuxEpoll.EVENT_SIZE;
                int events = p.waitEvents.getInt(at);
                long data = p.waitEvents.getLong(at + LinuxEpoll.EVENT_DATA_OFFSET);
                if (data == POSTED) {
                    Posix.read(p.eventfd, p.scratchAddress + 8, 8); // reset; packets are taken below
                } else {
                    n = complete(p, (int) data, events, entries, n);
                }
            }
            n = p.take(entries, n, count);
            if (n > 0 || wait == 0) {
                break;
            }
        }
        MEMORY.putInt(removedAddress, n);
        return n;
    }

    private static int millisLeft(long deadline, int timeoutMillis) {
        if (timeoutMillis < 0) {
            return -1;
        }
        long left = deadline - System.nanoTime();
        return left <= 0 ? 0 : (int) ((left + 999_999L) / 1_000_000L);
    }

    /** An epoll report for a poll: completes it as AFD would, or leaves it waiting. */
    private int complete(Port p, int id, int epollEvents, long entries, int n) {
        synchronized (p) {
            Op op = id < p.ops.length ? p.ops[id] : null;
            if (op == null || !op.active) {
                return n; // cancelled after epoll reported it
            }
            int afd = toAfd(op.fd, epollEvents) & op.afdMask;
            if (afd == 0) {
                // Readiness nobody asked for, or that Windows does not report. Wait on, without what
                // epoll would report at once again (a level condition), and without a hang-up or error,
                // which epoll would report forever: the poll stays pending, as an AFD poll waits for its bits.
                if ((epollEvents & (EPOLLHUP | EPOLLERR)) == 0) {
                    p.ctl(EPOLL_CTL_MOD, op.fd, op.epollMask & ~epollEvents | EPOLLONESHOT, op.id);
                }
                return n;
            }
            p.ctl(EPOLL_CTL_DEL, op.fd, 0, 0);
            finish(op, afd, WindowsErrors.STATUS_SUCCESS);
            writeEntry(entries, n, op.afd.key, op.apcContext, AfdPollInfoDescriptor.SIZE);
            p.freeOp(op);
            return n + 1;
        }
    }

    /** Writes a completed poll's results into the caller's memory, the status last, as the kernel does. */
    private static void finish(Op op, int afdEvents, int status) {
        int handleStatus = (afdEvents & AfdEvents.CONNECT_FAIL) != 0 ? STATUS_CONNECTION_REFUSED : 0;
        MEMORY.putInt(op.pollInfo + AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET, 1);
        MEMORY.putInt(op.pollInfo + AfdPollInfoDescriptor.EVENTS_OFFSET, afdEvents);
        MEMORY.putInt(op.pollInfo + AfdPollInfoDescriptor.STATUS_OFFSET, handleStatus);
        MEMORY.putLong(op.ioStatusBlock + IoStatusBlockDescriptor.INFORMATION_OFFSET, AfdPollInfoDescriptor.SIZE);
        MEMORY.putInt(op.ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, status);
    }

    /** {@code STATUS_CONNECTION_REFUSED}, in {@code Handles[0].Status} of a failed connect (Wine afd.c). */
    static final int STATUS_CONNECTION_REFUSED = 0xC0000236;

    /**
     * The AFD bits a Linux readiness report stands for on descriptor {@code fd}, in Windows' shapes
     * (each rule's source is in IOCP_EMULATION.md): a connect under way ends in {@code CONNECT_FAIL}
     * alone or in {@code CONNECT | SEND}; an error on a connected stream is {@code ABORT} (a reset is
     * not readable); a listener's pending connection is {@code ACCEPT}; a socket whose own receive side
     * was shut down reports neither {@code RECEIVE} nor {@code DISCONNECT} for it.
     */
    static int toAfd(int fd, int epollEvents) {
        int flags = flags(fd);
        int connected = 0;
        if ((flags & CONNECTING) != 0) {
            if (epollEvents == 0) {
                return 0;
            }
            setFlag(fd, CONNECTING, false);
            if ((epollEvents & EPOLLERR) != 0 && !wasEstablished(fd)) {
                return AfdEvents.CONNECT_FAIL;
            }
            connected = (epollEvents & EPOLLOUT) != 0 ? AfdEvents.CONNECT : 0;
        }
        if ((epollEvents & EPOLLERR) != 0 && (flags & DATAGRAM) == 0) {
            return AfdEvents.ABORT | ((epollEvents & EPOLLOUT) != 0 ? AfdEvents.SEND : 0) | connected;
        }
        int afd = toAfd(epollEvents);
        if ((flags & DATAGRAM) != 0 && (epollEvents & EPOLLERR) != 0) {
            afd = (afd & ~AfdEvents.ABORT) | AfdEvents.RECEIVE; // the receive completes, with the error (unverified)
        }
        if ((flags & LISTENING) != 0 && (afd & AfdEvents.RECEIVE) != 0) {
            afd = (afd & ~AfdEvents.RECEIVE) | AfdEvents.ACCEPT;
        }
        if ((flags & READ_SHUT) != 0 && (epollEvents & EPOLLHUP) == 0) {
            afd &= ~(AfdEvents.RECEIVE | AfdEvents.DISCONNECT);
        }
        return afd | connected;
    }

    private static final ThreadLocal<ByteBuffer> TCP_INFO = ThreadLocal.withInitial(() -> NativeMemory.allocate(256));

    /**
     * Whether a stream socket in error had been connected: Linux shows a refused connect and a reset
     * connection alike (state {@code TCP_CLOSE}, {@code EPOLLERR}), but only a connection that got the
     * peer's SYN-ACK has negotiated options ({@code tcp_info.tcpi_options}, byte 5: timestamps, SACK,
     * window scaling, all on by default). An emulation heuristic, not a Windows rule.
     */
    private static boolean wasEstablished(int fd) {
        ByteBuffer info = TCP_INFO.get();
        info.put(0, (byte) 0).put(5, (byte) 0);
        try {
            Posix.getOption(fd, 6 /* IPPROTO_TCP */, 11 /* TCP_INFO */, NativeMemory.address(info), info.capacity());
        } catch (IOException e) {
            return false;
        }
        int state = info.get(0) & 0xFF;
        return state != 2 /* SYN_SENT */ && (state != 7 /* CLOSE */ || (info.get(5) & 0xFF) != 0);
    }

    /** The AFD bits a Linux readiness report stands for (see IOCP_EMULATION.md). */
    static int toAfd(int epollEvents) {
        int afd = 0;
        if ((epollEvents & EPOLLIN) != 0) {
            afd |= AfdEvents.RECEIVE;
        }
        if ((epollEvents & (EPOLLRDHUP | EPOLLHUP)) != 0) {
            afd |= AfdEvents.DISCONNECT;
        }
        if ((epollEvents & EPOLLOUT) != 0) {
            afd |= AfdEvents.SEND;
        }
        if ((epollEvents & EPOLLERR) != 0) {
            afd |= AfdEvents.ABORT;
        }
        return afd;
    }

    /** The epoll interest that can produce the AFD bits of {@code afdMask}. */
    static int toEpoll(int afdMask) {
        int e = EPOLLONESHOT;
        if ((afdMask & (AfdEvents.RECEIVE | AfdEvents.ACCEPT)) != 0) {
            e |= EPOLLIN;
        }
        if ((afdMask & AfdEvents.DISCONNECT) != 0) {
            e |= EPOLLRDHUP;
        }
        if ((afdMask & AfdEvents.SEND) != 0) {
            e |= EPOLLOUT;
        }
        return e;
    }

    @Override
    public void postQueuedCompletionStatus(long portHandle, int n, long key, long overlapped) throws IOException {
        Port p = port(portHandle);
        synchronized (p) {
            p.enqueue(key, overlapped, n);
        }
        p.signal();
    }

    @Override
    public long openAfd(long portHandle, long key) throws IOException {
        return newHandle(new Afd(port(portHandle), key));
    }

    @Override
    public int afdPoll(long afdHandle, long apcContext, long ioStatusBlock, long pollInfo) throws IOException {
        Afd a = afd(afdHandle, POLL_CALL);
        if (MEMORY.getInt(pollInfo + AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET) != 1) {
            throw WindowsErrors.ntStatus(POLL_CALL, WindowsErrors.STATUS_INVALID_PARAMETER,
                    WindowsErrors.ERROR_INVALID_PARAMETER, "the emulation polls one handle per request");
        }
        long socket = MEMORY.getLong(pollInfo + AfdPollInfoDescriptor.HANDLE_OFFSET);
        int mask = MEMORY.getInt(pollInfo + AfdPollInfoDescriptor.EVENTS_OFFSET);
        Port p = a.port;
        synchronized (p) {
            Op op = p.newOp();
            op.afd = a;
            op.apcContext = apcContext;
            op.ioStatusBlock = ioStatusBlock;
            op.pollInfo = pollInfo;
            op.fd = (int) socket;
            op.afdMask = mask;
            op.epollMask = toEpoll(mask);
            MEMORY.putInt(ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, WindowsErrors.STATUS_PENDING);
            // AFD completes a poll at once, returning STATUS_SUCCESS, when a wanted condition already
            // holds; its packet is queued all the same (Wine afd.c test_poll_completion_port).
            int ready = socket >= 0 && socket <= Integer.MAX_VALUE ? toAfd(op.fd, p.probe(op.fd, op.epollMask)) & mask : 0;
            if (ready != 0) {
                finish(op, ready, WindowsErrors.STATUS_SUCCESS);
                p.enqueue(a.key, apcContext, AfdPollInfoDescriptor.SIZE);
                p.freeOp(op);
                p.signal();
                return WindowsErrors.STATUS_SUCCESS;
            }
            if (p.ctl(EPOLL_CTL_ADD, op.fd, op.epollMask, op.id) < 0) {
                int errno = Posix.lastErrno();
                p.freeOp(op);
                int status = errno == Errno.EBADF ? WindowsErrors.STATUS_INVALID_HANDLE : WindowsErrors.STATUS_INVALID_PARAMETER;
                throw WindowsErrors.ntStatus(POLL_CALL, status, errno == Errno.EBADF ? WindowsErrors.ERROR_INVALID_HANDLE
                        : WindowsErrors.ERROR_INVALID_PARAMETER, "emulated over epoll_ctl(ADD) of fd " + socket + ": "
                        + Errno.current().name(errno));
            }
        }
        return WindowsErrors.STATUS_PENDING;
    }

    @Override
    public boolean afdCancel(long afdHandle, long ioStatusBlock) throws IOException {
        Afd a = afd(afdHandle, "NtCancelIoFileEx");
        Port p = a.port;
        synchronized (p) {
            Op found = null;
            for (Op op : p.ops) {
                if (op.active && op.afd == a && op.ioStatusBlock == ioStatusBlock) {
                    found = op;
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            // The cancellation is asynchronous on Windows: a poll whose condition holds by now
            // completes with its result, and the cancel, though accepted, changes nothing.
            int ready = toAfd(found.fd, p.probe(found.fd, found.epollMask)) & found.afdMask;
            if (ready != 0) {
                p.ctl(EPOLL_CTL_DEL, found.fd, 0, 0);
                finish(found, ready, WindowsErrors.STATUS_SUCCESS);
                p.enqueue(found.afd.key, found.apcContext, AfdPollInfoDescriptor.SIZE);
                p.freeOp(found);
            } else {
                cancel(p, found);
            }
        }
        p.signal();
        return true;
    }

    /** Completes every poll on {@code fd}, in every emulated port, with {@code AFD_POLL_LOCAL_CLOSE}. */
    static void localCloseAll(long fd) {
        for (EmulatedIocp iocp : INSTANCES) {
            iocp.localClose(fd);
        }
        clearFlags(fd); // the number is free for the next descriptor, which starts with no facts
    }

    private void localClose(long fd) {
        Object[] all;
        synchronized (this) {
            all = Arrays.copyOf(objects, nextHandle);
        }
        for (Object o : all) {
            if (o instanceof Port) {
                Port p = (Port) o;
                boolean any = false;
                synchronized (p) {
                    for (Op op : p.ops) {
                        if (op.active && op.fd == fd) {
                            p.ctl(EPOLL_CTL_DEL, op.fd, 0, 0);
                            finish(op, AfdEvents.LOCAL_CLOSE, WindowsErrors.STATUS_SUCCESS);
                            p.enqueue(op.afd.key, op.apcContext, AfdPollInfoDescriptor.SIZE);
                            p.freeOp(op);
                            any = true;
                        }
                    }
                }
                if (any) {
                    try {
                        p.signal();
                    } catch (IOException e) {
                        throw new IllegalStateException("emulated LOCAL_CLOSE could not wake the port", e);
                    }
                }
            }
        }
    }

    /** Completes {@code op} with {@code STATUS_CANCELLED}. Guarded by {@code p}. */
    private static void cancel(Port p, Op op) {
        p.ctl(EPOLL_CTL_DEL, op.fd, 0, 0); // fails harmlessly if the fd was closed meanwhile
        MEMORY.putLong(op.ioStatusBlock + IoStatusBlockDescriptor.INFORMATION_OFFSET, 0);
        MEMORY.putInt(op.ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, WindowsErrors.STATUS_CANCELLED);
        p.enqueue(op.afd.key, op.apcContext, 0);
        p.freeOp(op);
    }

    @Override
    public long baseSocket(long socket) throws IOException {
        if (socket < 0 || socket > Integer.MAX_VALUE || (LIB.isatty((int) socket) == 0 && Posix.lastErrno() == Errno.EBADF)) {
            throw WindowsErrors.win32("WSAIoctl(SIO_BASE_HANDLE)", WindowsErrors.WSAENOTSOCK, "socket " + socket);
        }
        return socket;
    }

    @Override
    public void closeHandle(long handle) throws IOException {
        Object o = remove(handle);
        if (o instanceof Port) {
            Port p = (Port) o;
            try {
                Posix.close(p.eventfd);
            } finally {
                Posix.close(p.epfd);
            }
        } else if (o instanceof Afd) {
            // Closing an AFD handle cancels its requests: each completes with STATUS_CANCELLED.
            Afd a = (Afd) o;
            synchronized (a.port) {
                for (Op op : a.port.ops) {
                    if (op.active && op.afd == a) {
                        cancel(a.port, op);
                    }
                }
            }
            a.port.signal();
        } else {
            throw WindowsErrors.win32("CloseHandle", WindowsErrors.ERROR_INVALID_HANDLE, "handle " + handle);
        }
    }

    /** @return the number of AFD polls in flight on all ports, for tests */
    synchronized int pollsInFlight() {
        int n = 0;
        for (int i = 0; i < nextHandle; i++) {
            if (objects[i] instanceof Port) {
                Port p = (Port) objects[i];
                synchronized (p) {
                    for (Op op : p.ops) {
                        n += op.active ? 1 : 0;
                    }
                }
            }
        }
        return n;
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return true;
    }
}
