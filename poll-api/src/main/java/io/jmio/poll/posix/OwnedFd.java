package io.jmio.poll.posix;

import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.spi.HandleGuard;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * A file descriptor that a jmio type owns, guarded by {@link HandleGuard}: every operation runs
 * between {@link #acquireFd()} and {@link #release()}; {@link #close()} may come from any thread,
 * deregisters the descriptor and leaves the {@code close(2)} to the last one out, so a number the
 * kernel hands to the next {@code open} is never used through this object. Registers as a
 * {@link SourceFd}.
 *
 * <p>Threading: thread-safe (see {@link HandleGuard}).
 */
public final class OwnedFd extends HandleGuard implements Source {
    private final SourceFd source;

    /**
     * @param fd an open descriptor, now owned by this object
     */
    public OwnedFd(int fd) {
        super(fd);
        this.source = new SourceFd(fd);
    }

    /**
     * Enters an operation; pair it with {@link #release()} in a {@code finally}.
     *
     * @return the descriptor, open until the matching release
     * @throws ClosedChannelException if {@link #close()} was called
     */
    public int acquireFd() throws ClosedChannelException {
        return (int) acquire();
    }

    /**
     * @return the descriptor, open now (borrowed: valid until closed; for diagnostics and interop)
     * @throws ClosedChannelException if {@link #close()} was called
     */
    public int checkOpen() throws ClosedChannelException {
        if (isClosed()) {
            acquire(); // throws the descriptive ClosedChannelException
        }
        return (int) handle;
    }

    /** @return the descriptor number, open or not (for diagnostics) */
    public int rawFd() {
        return (int) handle;
    }

    @Override
    protected Source source() {
        return source;
    }

    @Override
    protected void closeHandle(long fd) throws IOException {
        Posix.close((int) fd);
    }

    @Override
    protected String describe() {
        return "fd " + handle;
    }
}
