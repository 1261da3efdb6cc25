package io.jmio.poll.iocp;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * The IOCP backend over {@link EmulatedIocp}: the real {@link IocpSelector} with the Windows calls
 * emulated over Linux descriptors. Not registered with {@link java.util.ServiceLoader}; tests pass it
 * to {@code Poll.open(PollBackend)}. Its selector accepts {@link io.jmio.poll.SourceFd} (handles are
 * descriptors here), which the real backend refuses.
 */
public final class EmulatedIocpBackend implements PollBackend {
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
        return Platform.current() == Platform.LINUX ? null
                : new UnsupportedOperationException("the IOCP emulation runs over Linux epoll only");
    }

    @Override
    public Selector openSelector() throws IOException {
        return new IocpSelector(EmulatedIocp.INSTANCE);
    }
}
