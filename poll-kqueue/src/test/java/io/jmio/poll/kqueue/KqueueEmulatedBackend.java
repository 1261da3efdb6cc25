package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;

/**
 * A {@link PollBackend} for tests: opens the real {@link KqueueSelector} over the
 * {@link EmulatedKqueueSystem} of one {@link KqueueAbi}, so {@code Poll.open(backend)} runs jmio's
 * kqueue code on Linux with each system's {@code struct kevent} layout and constants. Not registered
 * with {@link java.util.ServiceLoader}.
 *
 * <p>Threading: thread-safe.
 */
final class KqueueEmulatedBackend implements PollBackend {
    private final EmulatedKqueueSystem system;

    KqueueEmulatedBackend(KqueueAbi abi) {
        this.system = new EmulatedKqueueSystem(abi);
    }

    EmulatedKqueueSystem system() {
        return system;
    }

    @Override
    public String name() {
        return KqueueBackend.NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    @Override
    public Throwable unavailabilityCause() {
        return supportsCurrentOs() ? null : new UnsupportedOperationException("the kqueue emulation runs on Linux only");
    }

    @Override
    public Selector openSelector() throws IOException {
        return new KqueueSelector(system);
    }

    @Override
    public String toString() {
        return "kqueue emulated on epoll as " + system.abi();
    }
}
