package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Posix;

import com.kenai.jffi.MemoryIO;

import java.util.ArrayList;
import java.util.List;

/**
 * A scripted stand-in for the kernel, for unit tests of {@link KqueueSelector}'s own logic: it logs
 * every change it is given (decoded from the layout of its {@link KqueueAbi}), answers each
 * {@code EV_RECEIPT} change with a scripted errno, and returns scripted events to polls. Its kevent
 * path reads and writes raw memory and, with {@link #record} off, allocates nothing, so the
 * selector's own allocations can be measured.
 *
 * <p>Threading: for one test thread (fields are plain).
 */
final class ScriptedKqueueSystem implements KqueueSystem {
    static final int KQ = 1000;
    static final int PIPE_READ = 1001;
    static final int PIPE_WRITE = 1002;

    final KqueueAbi abi;
    final KeventDescriptor layout;
    final List<String> log = new ArrayList<>();
    boolean record = true;

    /** Errno answered to EV_ADD of EVFILT_READ / EVFILT_WRITE, to EV_DELETE, and to probes. */
    int addReadErrno;
    int addWriteErrno;
    int deleteErrno;
    int probeErrno;
    /** Returned by a call with changes, once they are applied, instead of its receipts, if non-zero: a negative errno. */
    int changeResult;
    /** Returned by a poll (a call without changes) instead of events, if non-zero: a negative errno. */
    int pollResult;
    /** A poll returns one EVFILT_READ event with this udata when set. */
    boolean pollReady;
    long pollReadyToken;
    /** What the last poll's timeout pointed to: -1 for NULL, else nanoseconds. */
    long lastTimeoutNanos = -2;
    int writes;

    ScriptedKqueueSystem(KqueueAbi abi) {
        this.abi = abi;
        this.layout = abi.layout;
    }

    private static final MemoryIO IO = MemoryIO.getInstance();

    private int filterAt(long address) {
        return layout.filterWidth == 2 ? IO.getShort(address + layout.filterOffset) : IO.getInt(address + layout.filterOffset);
    }

    private int flagsAt(long address) {
        return layout.flagsWidth == 2 ? IO.getShort(address + layout.flagsOffset) & 0xFFFF : IO.getInt(address + layout.flagsOffset);
    }

    private void putFlags(long address, int flags) {
        if (layout.flagsWidth == 2) {
            IO.putShort(address + layout.flagsOffset, (short) flags);
        } else {
            IO.putInt(address + layout.flagsOffset, flags);
        }
    }

    @Override
    public KqueueAbi abi() {
        return abi;
    }

    @Override
    public int kqueue() {
        return KQ;
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, jnr.ffi.Pointer timeoutPointer) {
        long timeout = timeoutPointer == null ? 0 : timeoutPointer.address();
        if (nchanges == 0) {
            lastTimeoutNanos = timeout == 0 ? -1 : IO.getLong(timeout) * 1_000_000_000L + IO.getLong(timeout + 8);
            if (pollResult != 0) {
                return pollResult;
            }
            if (pollReady && nevents > 0) {
                for (int b = 0; b < layout.size; b += 8) {
                    IO.putLong(events + b, 0);
                }
                IO.putLong(events, 5);
                if (layout.filterWidth == 2) {
                    IO.putShort(events + layout.filterOffset, (short) abi.evfiltRead);
                } else {
                    IO.putInt(events + layout.filterOffset, abi.evfiltRead);
                }
                IO.putLong(events + layout.udataOffset, pollReadyToken);
                return 1;
            }
            return 0;
        }
        int receipts = 0;
        for (int i = 0; i < nchanges; i++) {
            long change = changes + (long) i * layout.size;
            int filter = filterAt(change);
            int flags = flagsAt(change);
            int errno;
            if ((flags & KqueueAbi.EV_DELETE) != 0) {
                errno = deleteErrno;
            } else if ((flags & KqueueAbi.EV_ADD) != 0) {
                errno = filter == abi.evfiltRead ? addReadErrno : filter == abi.evfiltWrite ? addWriteErrno : 0;
            } else if ((flags & (KqueueAbi.EV_ENABLE | KqueueAbi.EV_DISABLE)) == 0 && IO.getInt(change + layout.fflagsOffset) == 0) {
                errno = probeErrno;
            } else {
                errno = 0;
            }
            if (record) {
                log.add(abi.filterName(filter) + " ident=" + IO.getLong(change) + " " + KqueueEventArray.flagsToString(flags)
                        + (IO.getInt(change + layout.fflagsOffset) != 0 ? " fflags=0x" + Integer.toHexString(IO.getInt(change + layout.fflagsOffset)) : "")
                        + " udata=" + IO.getLong(change + layout.udataOffset));
            }
            if (changeResult == 0 && ((flags & KqueueAbi.EV_RECEIPT) != 0 || errno != 0)) {
                if (receipts == nevents) {
                    return -errno;
                }
                long receipt = events + (long) receipts * layout.size;
                for (int b = 0; b < layout.size; b += 8) {
                    IO.putLong(receipt + b, IO.getLong(change + b));
                }
                putFlags(receipt, KqueueAbi.EV_ERROR);
                IO.putLong(receipt + layout.dataOffset, errno);
                receipts++;
            }
        }
        return changeResult != 0 ? changeResult : receipts;
    }

    @Override
    public void close(int fd) {
        if (record) {
            log.add("close " + fd);
        }
    }

    @Override
    public int[] pipe() {
        return new int[] {PIPE_READ, PIPE_WRITE};
    }

    @Override
    public long read(int fd, long address, long length) {
        return Posix.WOULD_BLOCK;
    }

    @Override
    public long write(int fd, long address, long length) {
        writes++;
        if (record) {
            log.add("write " + fd + " " + length);
        }
        return length;
    }

    /** @return the log, then clears it */
    List<String> take() {
        List<String> copy = new ArrayList<>(log);
        log.clear();
        return copy;
    }
}
