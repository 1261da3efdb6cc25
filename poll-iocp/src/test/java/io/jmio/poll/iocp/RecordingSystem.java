package io.jmio.poll.iocp;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IocpSystem} that delegates to a fresh {@link EmulatedIocp} and records the calls the
 * selector makes, for tests that check which kernel requests a registration causes. It can also
 * claim that handles are Windows sockets, as on a real system.
 */
final class RecordingSystem implements IocpSystem {
    final EmulatedIocp emulation = new EmulatedIocp();
    final AtomicInteger afdOpens = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicLong lastPostKey = new AtomicLong();
    final AtomicLong lastPostOverlapped = new AtomicLong();
    /** The concurrency value of the last port created, -1 before. */
    final AtomicInteger portConcurrency = new AtomicInteger(-1);
    private final boolean fileDescriptors;
    /** The selector the backend opened last. */
    volatile IocpSelector selector;

    RecordingSystem(boolean fileDescriptors) {
        this.fileDescriptors = fileDescriptors;
    }

    /** @return a backend whose selectors use this system */
    PollBackend backend() {
        return new PollBackend() {
            @Override
            public String name() {
                return IocpBackend.NAME;
            }

            @Override
            public boolean supportsCurrentOs() {
                return false;
            }

            @Override
            public Throwable unavailabilityCause() {
                return Platform.current() == Platform.LINUX ? null : new UnsupportedOperationException("Linux only");
            }

            @Override
            public Selector openSelector() throws IOException {
                selector = new IocpSelector(RecordingSystem.this);
                return selector;
            }
        };
    }

    @Override
    public long createPort(int concurrency) throws IOException {
        portConcurrency.set(concurrency);
        return emulation.createPort(concurrency);
    }

    @Override
    public int getQueuedCompletionStatusEx(long port, long entries, int count, long removedAddress, int timeoutMillis)
            throws IOException {
        return emulation.getQueuedCompletionStatusEx(port, entries, count, removedAddress, timeoutMillis);
    }

    @Override
    public void postQueuedCompletionStatus(long port, int bytes, long key, long overlapped) throws IOException {
        lastPostKey.set(key);
        lastPostOverlapped.set(overlapped);
        emulation.postQueuedCompletionStatus(port, bytes, key, overlapped);
    }

    @Override
    public long openAfd(long port, long key) throws IOException {
        afdOpens.incrementAndGet();
        return emulation.openAfd(port, key);
    }

    @Override
    public int afdPoll(long afd, long apcContext, long ioStatusBlock, long pollInfo) throws IOException {
        polls.incrementAndGet();
        return emulation.afdPoll(afd, apcContext, ioStatusBlock, pollInfo);
    }

    @Override
    public boolean afdCancel(long afd, long ioStatusBlock) throws IOException {
        cancels.incrementAndGet();
        return emulation.afdCancel(afd, ioStatusBlock);
    }

    @Override
    public long baseSocket(long socket) throws IOException {
        return emulation.baseSocket(socket);
    }

    @Override
    public void closeHandle(long handle) throws IOException {
        closes.incrementAndGet();
        emulation.closeHandle(handle);
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return fileDescriptors;
    }
}
