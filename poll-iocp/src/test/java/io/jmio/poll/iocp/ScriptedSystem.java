package io.jmio.poll.iocp;

import com.kenai.jffi.MemoryIO;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link IocpSystem} whose kernel is the test: poll requests are recorded and complete only when
 * the test says so, with the status and bits it chooses, written into the selector's memory as
 * Windows writes them. It lets tests stage the races the real kernel allows (a cancellation that
 * loses to a completion, a cancelled packet that arrives late, a packet that never arrives), which
 * neither Linux nor the emulation produce on demand.
 *
 * <p>Threading: thread-safe (one monitor); the selector may wait in {@link #getQueuedCompletionStatusEx}.
 */
final class ScriptedSystem implements IocpSystem {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    /** One poll request in the "kernel". */
    static final class Request {
        final long afd;
        final long apcContext;
        final long ioStatusBlock;
        final long pollInfo;
        final long socket;
        final int events;
        boolean cancelRequested;

        Request(long afd, long apcContext, long ioStatusBlock, long pollInfo) {
            this.afd = afd;
            this.apcContext = apcContext;
            this.ioStatusBlock = ioStatusBlock;
            this.pollInfo = pollInfo;
            this.socket = MEMORY.getLong(pollInfo + AfdPollInfoDescriptor.HANDLE_OFFSET);
            this.events = MEMORY.getInt(pollInfo + AfdPollInfoDescriptor.EVENTS_OFFSET);
        }
    }

    final List<Request> pending = new ArrayList<>();
    private final ArrayDeque<long[]> packets = new ArrayDeque<>();
    private long nextHandle = 1000;
    /** When true, a cancellation takes effect at once (packet queued); else it is left to the test. */
    boolean cancelAtOnce = true;
    /** When true, cancellation finds nothing, as when the request already completed. */
    boolean cancelFindsNothing;
    /** When true, every poll request is refused with {@code STATUS_INVALID_PARAMETER}. */
    boolean refusePolls;
    /** Thrown once by the next {@link #getQueuedCompletionStatusEx}, then cleared. */
    java.io.IOException failNextWait;

    synchronized Request pendingFor(long socket) {
        for (Request r : pending) {
            if (r.socket == socket) {
                return r;
            }
        }
        return null;
    }

    /** Completes {@code r}: writes the status block and poll info, then queues its packet. */
    synchronized void complete(Request r, int status, int events) {
        pending.remove(r);
        MEMORY.putInt(r.pollInfo + AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET, status == 0 ? 1 : 0);
        MEMORY.putInt(r.pollInfo + AfdPollInfoDescriptor.EVENTS_OFFSET, events);
        MEMORY.putLong(r.ioStatusBlock + IoStatusBlockDescriptor.INFORMATION_OFFSET, status == 0 ? AfdPollInfoDescriptor.SIZE : 0);
        MEMORY.putInt(r.ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, status);
        packets.add(new long[] {IocpSelector.AFD_KEY, r.apcContext, status == 0 ? AfdPollInfoDescriptor.SIZE : 0});
        notifyAll();
    }

    @Override
    public synchronized long createPort(int concurrency) {
        return nextHandle++;
    }

    @Override
    public synchronized int getQueuedCompletionStatusEx(long port, long entries, int count, long removedAddress,
            int timeoutMillis) throws java.io.IOException {
        if (failNextWait != null) {
            java.io.IOException e = failNextWait;
            failNextWait = null;
            throw e;
        }
        long deadline = System.currentTimeMillis() + (timeoutMillis < 0 ? 60_000 : timeoutMillis);
        while (packets.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int n = 0;
        while (n < count && !packets.isEmpty()) {
            long[] p = packets.poll();
            long e = entries + (long) n * OverlappedEntryDescriptor.SIZE;
            MEMORY.putLong(e + OverlappedEntryDescriptor.COMPLETION_KEY_OFFSET, p[0]);
            MEMORY.putLong(e + OverlappedEntryDescriptor.OVERLAPPED_OFFSET, p[1]);
            MEMORY.putInt(e + OverlappedEntryDescriptor.BYTES_TRANSFERRED_OFFSET, (int) p[2]);
            n++;
        }
        MEMORY.putInt(removedAddress, n);
        return n;
    }

    @Override
    public synchronized void postQueuedCompletionStatus(long port, int bytes, long key, long overlapped) {
        packets.add(new long[] {key, overlapped, bytes});
        notifyAll();
    }

    @Override
    public synchronized long openAfd(long port, long key) {
        return nextHandle++;
    }

    @Override
    public synchronized int afdPoll(long afd, long apcContext, long ioStatusBlock, long pollInfo) throws java.io.IOException {
        if (refusePolls) {
            throw WindowsErrors.ntStatus("NtDeviceIoControlFile(IOCTL_AFD_POLL)", WindowsErrors.STATUS_INVALID_PARAMETER,
                    WindowsErrors.ERROR_INVALID_PARAMETER, "scripted");
        }
        pending.add(new Request(afd, apcContext, ioStatusBlock, pollInfo));
        MEMORY.putInt(ioStatusBlock + IoStatusBlockDescriptor.STATUS_OFFSET, WindowsErrors.STATUS_PENDING);
        return WindowsErrors.STATUS_PENDING;
    }

    @Override
    public synchronized boolean afdCancel(long afd, long ioStatusBlock) {
        if (cancelFindsNothing) {
            return false;
        }
        for (Request r : pending) {
            if (r.ioStatusBlock == ioStatusBlock) {
                r.cancelRequested = true;
                if (cancelAtOnce) {
                    complete(r, WindowsErrors.STATUS_CANCELLED, 0);
                }
                return true;
            }
        }
        return false;
    }

    @Override
    public long baseSocket(long socket) {
        return socket;
    }

    @Override
    public void closeHandle(long handle) {
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return false;
    }
}
