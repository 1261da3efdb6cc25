package io.jmio.poll.kqueue;

import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLERR;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLET;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLHUP;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLIN;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLOUT;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLLRDHUP;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLL_CTL_ADD;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLL_CTL_DEL;
import static io.jmio.poll.kqueue.LinuxTestLibrary.EPOLL_CTL_MOD;
import static io.jmio.poll.kqueue.LinuxTestLibrary.LIB;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only emulation of the kqueue/kevent kernel contract over real Linux descriptors and epoll,
 * so that {@link KqueueSelector} can run, unchanged, on this Linux machine: the idea of the libkqueue
 * project, written afresh and much smaller. It is <b>not</b> the kernel: what it implements, what it
 * approximates and what it leaves out is listed in {@code KQUEUE_EMULATION.md} next to this file.
 *
 * <p>Each emulated kqueue is a real epoll descriptor (so {@link #kqueue()} returns a real, closable
 * descriptor number) plus an eventfd that {@code NOTE_TRIGGER} writes to wake a blocked wait. The
 * {@code struct kevent} arrays are read and written in the layout and with the filter numbers of the
 * {@link KqueueAbi} given to the constructor, so the selector's translation for each OS is exercised
 * byte for byte. Errors are Linux errno values (the selector compares against {@link Errno}, which on
 * Linux holds Linux numbers).
 *
 * <p>Threading: thread-safe; one lock per emulated kqueue, never held across {@code epoll_wait}.
 */
final class EmulatedKqueueSystem implements KqueueSystem {
    private final KqueueAbi abi;
    /** Emulated kqueues by descriptor, copied on write, so that {@link #kevent} looks up without boxing. */
    private volatile Queue[] queues = new Queue[64];

    EmulatedKqueueSystem(KqueueAbi abi) {
        this.abi = abi;
    }

    @Override
    public KqueueAbi abi() {
        return abi;
    }

    @Override
    public int kqueue() throws SyscallException {
        Queue q = new Queue(abi);
        synchronized (this) {
            Queue[] t = queues;
            if (q.epfd >= t.length) {
                t = java.util.Arrays.copyOf(t, Math.max(q.epfd + 1, 2 * t.length));
            } else {
                t = t.clone();
            }
            t[q.epfd] = q;
            queues = t;
        }
        return q.epfd;
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, jnr.ffi.Pointer timeout) {
        Queue[] t = queues;
        Queue q = kq >= 0 && kq < t.length ? t[kq] : null;
        if (q == null) {
            return -Errno.EBADF;
        }
        return q.kevent(changes, nchanges, events, nevents, timeout == null ? 0 : timeout.address());
    }

    @Override
    public void close(int fd) throws SyscallException {
        Queue q;
        synchronized (this) {
            Queue[] t = queues;
            q = fd >= 0 && fd < t.length ? t[fd] : null;
            if (q != null) {
                t = t.clone();
                t[fd] = null;
                queues = t;
            }
        }
        if (q != null) {
            q.close();
        } else {
            Posix.close(fd);
        }
    }

    @Override
    public int[] pipe() throws SyscallException {
        return Posix.pipe();
    }

    @Override
    public long read(int fd, long address, long length) throws SyscallException {
        return Posix.read(fd, address, length);
    }

    @Override
    public long write(int fd, long address, long length) throws SyscallException {
        return Posix.write(fd, address, length);
    }

    /** @return the number of open emulated kqueues, for leak checks */
    int openQueues() {
        int n = 0;
        for (Queue q : queues) {
            n += q != null ? 1 : 0;
        }
        return n;
    }

    /** One filter registration: the kernel's knote. */
    private static final class Knote {
        final long ident;
        final int filter;
        /** {@code EV_CLEAR}, {@code EV_ONESHOT}, {@code EV_DISPATCH} as given when added. */
        final int flags;
        /** The file the descriptor referred to when added ({@code /proc/self/fd} link), or null. */
        final String identity;
        long udata;
        boolean enabled;
        /** {@code EVFILT_USER}: triggered and not yet reported (or reported, without {@code EV_CLEAR}). */
        boolean triggered;
        int userFflags;
        /** The scan that last reported this user knote: a kernel reports a knote once per call. */
        long reportedInScan;

        Knote(long ident, int filter, int flags, String identity) {
            this.ident = ident;
            this.filter = filter;
            this.flags = flags;
            this.identity = identity;
        }
    }

    /** A kevent waiting for room in the caller's array. */
    private static final class Ready {
        final Knote knote;
        final int flags;
        final long data;

        Ready(Knote knote, int flags, long data) {
            this.knote = knote;
            this.flags = flags;
            this.data = data;
        }
    }

    /** One emulated kqueue. */
    private static final class Queue {
        private static final long EVENTFD_MARK = -1L;
        private static final int PERSISTENT_FLAGS = KqueueAbi.EV_CLEAR | KqueueAbi.EV_ONESHOT | KqueueAbi.EV_DISPATCH;

        final KqueueAbi abi;
        final KeventDescriptor layout;
        final EmulatedKernelRules rules;
        final int epfd;
        final int eventfd;
        /** OpenBSD and NetBSD take a new {@code udata} only with {@code EV_ADD}; the others with any change. */
        final boolean udataOnlyWithAdd;
        /** Descriptor knotes at {@code 2 * fd} (read) and {@code 2 * fd + 1} (write): no boxing on the wait path. */
        Knote[] fdKnotes = new Knote[256];
        final List<Knote> userKnotes = new ArrayList<>();
        /** Descriptors currently in the epoll set, with the events they were added for. */
        final Map<Integer, Integer> inEpoll = new HashMap<>();
        final ArrayDeque<Ready> overflow = new ArrayDeque<>();
        /** Counts scans, to report each user knote at most once per call. */
        long scans;
        final ByteBuffer scratch = NativeMemory.allocate(16);
        final long scratchAddress = NativeMemory.address(scratch);

        Queue(KqueueAbi abi) throws SyscallException {
            this.abi = abi;
            this.layout = abi.layout;
            this.rules = EmulatedKernelRules.of(abi);
            this.udataOnlyWithAdd = abi == KqueueAbi.OPENBSD || abi == KqueueAbi.NETBSD;
            int ep = LIB.epoll_create1(LinuxTestLibrary.EPOLL_CLOEXEC);
            if (ep < 0) {
                throw Posix.exception("epoll_create1", LinuxTestLibrary.errno(), "emulated kqueue");
            }
            int efd = LIB.eventfd(0, LinuxTestLibrary.EFD_CLOEXEC | LinuxTestLibrary.EFD_NONBLOCK);
            if (efd < 0) {
                SyscallException e = Posix.exception("eventfd", LinuxTestLibrary.errno(), "emulated kqueue");
                Posix.closeQuietly(ep, e);
                throw e;
            }
            this.epfd = ep;
            this.eventfd = efd;
            if (ctl(EPOLL_CTL_ADD, efd, EPOLLIN, EVENTFD_MARK) != 0) {
                throw Posix.exception("epoll_ctl", LinuxTestLibrary.errno(), "emulated kqueue");
            }
        }

        void close() throws SyscallException {
            SyscallException first = null;
            try {
                Posix.close(eventfd);
            } catch (SyscallException e) {
                first = e;
            }
            Posix.close(epfd);
            if (first != null) {
                throw first;
            }
        }

        private static ByteBuffer view(long address, int bytes) {
            return com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(address, bytes).order(ByteOrder.nativeOrder());
        }

        /** The last event array seen, kept so that a steady poll loop allocates nothing here. */
        private ByteBuffer outView;
        private long outAddress;
        /** Room for epoll's answer; grown, never shrunk. Used by the one polling thread. */
        private ByteBuffer epollEvents = NativeMemory.allocate(16 * LinuxTestLibrary.EPOLL_EVENT_SIZE);

        private synchronized ByteBuffer eventView(long address, int bytes) {
            if (outView == null || outAddress != address || outView.capacity() != bytes) {
                outView = view(address, bytes);
                outAddress = address;
            }
            return outView;
        }

        private Knote knote(long ident, int filter) {
            if (isFdFilter(filter)) {
                long slot = 2 * ident + (filter == abi.evfiltRead ? 0 : 1);
                return slot < fdKnotes.length ? fdKnotes[(int) slot] : null;
            }
            for (int i = 0; i < userKnotes.size(); i++) {
                Knote kn = userKnotes.get(i);
                if (kn.ident == ident && kn.filter == filter) {
                    return kn;
                }
            }
            return null;
        }

        private void putKnote(Knote kn) {
            if (!isFdFilter(kn.filter)) {
                userKnotes.add(kn);
                return;
            }
            int slot = (int) (2 * kn.ident) + (kn.filter == abi.evfiltRead ? 0 : 1);
            if (slot >= fdKnotes.length) {
                fdKnotes = java.util.Arrays.copyOf(fdKnotes, Math.max(slot + 1, 2 * fdKnotes.length));
            }
            fdKnotes[slot] = kn;
        }

        /** Forgets a knote and any of its events still waiting for room. */
        private void removeKnote(Knote kn) {
            if (!isFdFilter(kn.filter)) {
                userKnotes.remove(kn);
            } else if (knote(kn.ident, kn.filter) == kn) {
                fdKnotes[(int) (2 * kn.ident) + (kn.filter == abi.evfiltRead ? 0 : 1)] = null;
            }
            if (!overflow.isEmpty()) {
                overflow.removeIf(r -> r.knote == kn);
            }
        }

        private boolean isFdFilter(int filter) {
            return filter == abi.evfiltRead || filter == abi.evfiltWrite;
        }

        // ------------------------------------------------------------ kevent(2)

        int kevent(long changes, int nchanges, long events, int nevents, long timeout) {
            long waitNanos = timeout == 0 ? EmulatedKernelRules.FOREVER : waitNanos(timeout);
            if (waitNanos < 0 && rules.timeoutCheckedFirst) {
                return (int) waitNanos;
            }
            ByteBuffer in = nchanges > 0 ? view(changes, nchanges * layout.size) : null;
            ByteBuffer out = nevents > 0 ? eventView(events, nevents * layout.size) : null;
            int written = 0;
            synchronized (this) {
                for (int i = 0; i < nchanges; i++) {
                    long ident = layout.ident(in, i);
                    int filter = layout.filter(in, i);
                    int flags = layout.flags(in, i);
                    int fflags = layout.fflags(in, i);
                    long udata = layout.udata(in, i);
                    int error = apply(ident, filter, flags, fflags, udata);
                    if (error != 0 || (flags & KqueueAbi.EV_RECEIPT) != 0) {
                        if (written == nevents) {
                            return -error; // as FreeBSD: no room, the error is the call's result
                        }
                        // The change itself comes back, with EV_ERROR and the result in data.
                        int receiptFlags = rules.receiptKeepsFlags ? flags | KqueueAbi.EV_ERROR : KqueueAbi.EV_ERROR;
                        layout.put(out, written++, ident, filter, receiptFlags, fflags, error, udata);
                    }
                }
            }
            if (written > 0 || nevents == 0) {
                return written;
            }
            return waitNanos < 0 ? (int) waitNanos : scan(out, nevents, waitNanos);
        }

        private long waitNanos(long timeout) {
            com.kenai.jffi.MemoryIO io = com.kenai.jffi.MemoryIO.getInstance();
            return rules.waitNanos(io.getLong(timeout + TimespecDescriptor.TV_SEC_OFFSET),
                    io.getLong(timeout + TimespecDescriptor.TV_NSEC_OFFSET));
        }

        /** Applies one change as the man page says; @return 0 or an errno. */
        private int apply(long ident, int filter, int flags, int fflags, long udata) {
            boolean fdFilter = isFdFilter(filter);
            if (!fdFilter && (filter != abi.evfiltUser || abi.evfiltUser == KqueueAbi.NONE)) {
                return Errno.EINVAL;
            }
            String identity = null;
            if (fdFilter) {
                if (ident > Integer.MAX_VALUE || LIB.fcntl((int) ident, LinuxTestLibrary.F_GETFD, 0) < 0) {
                    if (ident <= Integer.MAX_VALUE) {
                        dropIfClosedSince((int) ident, null); // a kernel dropped them at close
                    }
                    return (flags & KqueueAbi.EV_ADD) != 0 ? Errno.EBADF : rules.closedFdErrnoWithoutAdd;
                }
                identity = identity((int) ident);
                dropIfClosedSince((int) ident, identity);
            }
            Knote kn = knote(ident, filter);
            if (kn == null) {
                if ((flags & KqueueAbi.EV_ADD) == 0) {
                    return Errno.ENOENT;
                }
                if (filter == abi.evfiltWrite && rules.widowedPipeWriteRefused && isWidowedPipe((int) ident, identity)) {
                    return Errno.EPIPE;
                }
                kn = new Knote(ident, filter, flags & PERSISTENT_FLAGS, identity);
                kn.udata = udata;
                kn.enabled = (flags & KqueueAbi.EV_DISABLE) == 0;
                putKnote(kn);
                if (fdFilter) {
                    int error = syncEpoll((int) ident, true);
                    if (error != 0) {
                        removeKnote(kn);
                        syncEpoll((int) ident, false);
                        return error;
                    }
                } else {
                    if (rules.triggerOnAdd) {
                        touchUser(kn, fflags);
                    }
                }
                return 0;
            }
            if ((flags & KqueueAbi.EV_DELETE) != 0) {
                removeKnote(kn);
                if (fdFilter) {
                    syncEpoll((int) ident, false);
                }
                return 0;
            }
            if (!udataOnlyWithAdd || (flags & KqueueAbi.EV_ADD) != 0) {
                kn.udata = udata;
            }
            if ((flags & KqueueAbi.EV_DISABLE) != 0) {
                kn.enabled = false;
            }
            if ((flags & KqueueAbi.EV_ENABLE) != 0) {
                kn.enabled = true;
            }
            if (fdFilter) {
                // A modification re-evaluates the filter (an EPOLL_CTL_MOD re-checks readiness).
                return syncEpoll((int) ident, true);
            }
            touchUser(kn, fflags);
            return 0;
        }

        private void touchUser(Knote kn, int fflags) {
            kn.userFflags = fflags & 0x00FFFFFF;
            if ((fflags & KqueueAbi.NOTE_TRIGGER) != 0) {
                kn.triggered = true;
            }
            if (kn.triggered && kn.enabled) {
                signal();
            }
        }

        private void signal() {
            scratch.putLong(0, 1);
            try {
                Posix.write(eventfd, scratchAddress, 8);
            } catch (SyscallException e) {
                throw new IllegalStateException("emulated kqueue cannot signal its eventfd", e);
            }
        }

        /** The file behind a descriptor: {@code pipe:[inode]}, {@code socket:[inode]} or a path. */
        private static String identity(int fd) {
            try {
                return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            } catch (IOException e) {
                return "?";
            }
        }

        /** @return true for the write end of a pipe whose read end is closed (Linux's poll says POLLERR) */
        private boolean isWidowedPipe(int fd, String identity) {
            if (!identity.startsWith("pipe:")) {
                return false;
            }
            scratch.putInt(0, fd);
            scratch.putShort(4, (short) LinuxTestLibrary.POLLOUT);
            scratch.putShort(6, (short) 0);
            return LIB.poll(scratchAddress, 1, 0) == 1 && (scratch.getShort(6) & LinuxTestLibrary.POLLERR) != 0;
        }

        /** A kernel drops a descriptor's knotes when it is closed: drop ours once the file changed. */
        private void dropIfClosedSince(int fd, String identity) {
            boolean stale = false;
            for (int filter : new int[] {abi.evfiltRead, abi.evfiltWrite}) {
                Knote kn = knote(fd, filter);
                if (kn != null && !kn.identity.equals(identity)) { // identity null: the descriptor is closed
                    removeKnote(kn);
                    stale = true;
                }
            }
            if (stale && inEpoll.remove(fd) != null) {
                ctl(EPOLL_CTL_DEL, fd, 0, fd); // ENOENT expected: epoll dropped the closed file itself
            }
        }

        /** Puts the descriptor in the epoll set with the events its enabled knotes want. */
        private int syncEpoll(int fd, boolean reevaluate) {
            Knote read = knote(fd, abi.evfiltRead);
            Knote write = knote(fd, abi.evfiltWrite);
            int events = 0;
            boolean clear = false;
            if (read != null) {
                clear |= (read.flags & KqueueAbi.EV_CLEAR) != 0;
                events |= read.enabled ? EPOLLIN | EPOLLRDHUP : 0;
            }
            if (write != null) {
                clear |= (write.flags & KqueueAbi.EV_CLEAR) != 0;
                events |= write.enabled ? EPOLLOUT : 0;
            }
            Integer current = inEpoll.get(fd);
            if (events == 0) {
                if (current != null) {
                    inEpoll.remove(fd);
                    ctl(EPOLL_CTL_DEL, fd, 0, fd);
                }
                return 0;
            }
            events |= clear ? EPOLLET : 0;
            if (current != null && current == events && !reevaluate) {
                return 0;
            }
            int op = current == null ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
            if (ctl(op, fd, events, fd) != 0) {
                int errno = LinuxTestLibrary.errno();
                if (op == EPOLL_CTL_MOD && errno == Errno.ENOENT) {
                    op = EPOLL_CTL_ADD;
                } else if (op == EPOLL_CTL_ADD && errno == Errno.EEXIST) {
                    op = EPOLL_CTL_MOD;
                } else {
                    return errno;
                }
                if (ctl(op, fd, events, fd) != 0) {
                    return LinuxTestLibrary.errno();
                }
            }
            inEpoll.put(fd, events);
            return 0;
        }

        private int ctl(int op, int fd, int events, long data) {
            ByteBuffer ev = NativeMemory.allocate(16);
            ev.putInt(0, events);
            ev.putLong(LinuxTestLibrary.EPOLL_DATA_OFFSET, data);
            return LIB.epoll_ctl(epfd, op, fd, NativeMemory.address(ev)) < 0 ? -1 : 0;
        }

        // ------------------------------------------------------------ scanning

        private int scan(ByteBuffer out, int nevents, long waitNanos) {
            boolean forever = waitNanos == EmulatedKernelRules.FOREVER;
            long deadline = forever ? 0 : System.nanoTime() + waitNanos;
            if (epollEvents.capacity() < nevents * LinuxTestLibrary.EPOLL_EVENT_SIZE) {
                epollEvents = NativeMemory.allocate(nevents * LinuxTestLibrary.EPOLL_EVENT_SIZE);
            }
            ByteBuffer epollEvents = this.epollEvents;
            synchronized (this) {
                scans++;
            }
            for (;;) {
                int written;
                synchronized (this) {
                    written = deliverPending(out, 0, nevents);
                    written = deliverUser(out, written, nevents);
                }
                if (written == nevents) {
                    return written;
                }
                int waitMillis;
                if (written > 0) {
                    waitMillis = 0;
                } else if (forever) {
                    waitMillis = -1;
                } else {
                    long left = deadline - System.nanoTime();
                    waitMillis = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
                }
                int n = LIB.epoll_wait(epfd, NativeMemory.address(epollEvents), nevents - written, waitMillis);
                if (n < 0) {
                    int errno = LinuxTestLibrary.errno();
                    return written > 0 ? written : -errno;
                }
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        int base = i * LinuxTestLibrary.EPOLL_EVENT_SIZE;
                        int ev = epollEvents.getInt(base);
                        long data = epollEvents.getLong(base + LinuxTestLibrary.EPOLL_DATA_OFFSET);
                        if (data == EVENTFD_MARK) {
                            drainEventfd();
                            continue;
                        }
                        written = deliverFd((int) data, ev, out, written, nevents);
                    }
                    written = deliverUser(out, written, nevents);
                }
                if (written > 0) {
                    return written;
                }
                if (!forever && System.nanoTime() - deadline >= 0) {
                    return 0;
                }
            }
        }

        private void drainEventfd() {
            try {
                Posix.read(eventfd, scratchAddress, 8);
            } catch (SyscallException e) {
                throw new IllegalStateException("emulated kqueue cannot read its eventfd", e);
            }
        }

        private int deliverFd(int fd, int ev, ByteBuffer out, int written, int nevents) {
            Knote read = knote(fd, abi.evfiltRead);
            if (read != null && read.enabled && (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
                int eof = (ev & (EPOLLRDHUP | EPOLLHUP)) != 0 ? KqueueAbi.EV_EOF : 0;
                written = emit(read, read.flags | eof, bytesReadable(fd), out, written, nevents);
            }
            Knote write = knote(fd, abi.evfiltWrite);
            if (write != null && write.enabled && (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) {
                int eof = (ev & (EPOLLHUP | EPOLLERR)) != 0 ? KqueueAbi.EV_EOF : 0;
                written = emit(write, write.flags | eof, 0, out, written, nevents);
            }
            return written;
        }

        private int deliverUser(ByteBuffer out, int written, int nevents) {
            for (int i = 0; i < userKnotes.size(); i++) {
                Knote kn = userKnotes.get(i);
                if (kn.enabled && kn.triggered && written < nevents && kn.reportedInScan != scans) {
                    kn.reportedInScan = scans;
                    if ((kn.flags & KqueueAbi.EV_CLEAR) != 0) {
                        kn.triggered = false;
                    }
                    written = emit(kn, kn.flags, 0, out, written, nevents);
                    if (i < userKnotes.size() && userKnotes.get(i) != kn) {
                        i--; // EV_ONESHOT removed it
                    }
                }
            }
            return written;
        }

        private int deliverPending(ByteBuffer out, int written, int nevents) {
            Ready r;
            while (written < nevents && (r = overflow.pollFirst()) != null) {
                if (knote(r.knote.ident, r.knote.filter) == r.knote && r.knote.enabled) {
                    written = emit(r.knote, r.flags, r.data, out, written, nevents);
                }
            }
            return written;
        }

        /** Writes one event, or keeps it for the next call when the array is full; then applies
         *  {@code EV_ONESHOT} (delete) or {@code EV_DISPATCH} (disable). */
        private int emit(Knote kn, int flags, long data, ByteBuffer out, int written, int nevents) {
            if (written == nevents) {
                overflow.add(new Ready(kn, flags, data));
                return written;
            }
            layout.put(out, written, kn.ident, kn.filter, flags, kn.filter == abi.evfiltUser ? kn.userFflags : 0, data, kn.udata);
            if ((kn.flags & KqueueAbi.EV_ONESHOT) != 0) {
                removeKnote(kn);
                if (isFdFilter(kn.filter)) {
                    syncEpoll((int) kn.ident, false);
                }
            } else if ((kn.flags & KqueueAbi.EV_DISPATCH) != 0) {
                kn.enabled = false;
                if (isFdFilter(kn.filter)) {
                    syncEpoll((int) kn.ident, false);
                }
            }
            return written + 1;
        }

        private long bytesReadable(int fd) {
            scratch.putInt(8, 0);
            return LIB.ioctl(fd, LinuxTestLibrary.FIONREAD, scratchAddress + 8) < 0 ? 0 : scratch.getInt(8);
        }
    }
}
