package io.jmio.poll.posix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;

import io.jmio.poll.SourceFd;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor that a jmio type owns: closed exactly once, after which every use reports
 * {@link ClosedChannelException}, so that a closed socket's number (which the kernel may hand to the
 * next {@code open}) is never used again through this object.
 *
 * <p>Threading: {@link #close()} and {@link #checkOpen()} are thread-safe; closing while another thread
 * is inside a system call on the descriptor is the caller's race, as with any descriptor.
 */
public final class OwnedFd implements Source {
    private final int fd;
    private final SourceFd source;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param fd an open descriptor, now owned by this object
     */
    public OwnedFd(int fd) {
        this.fd = fd;
        this.source = new SourceFd(fd);
    }

    /**
     * @return the descriptor
     * @throws ClosedChannelException if {@link #close()} was called
     */
    public int checkOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new UseAfterClose(fd);
        }
        return fd;
    }

    /**
     * Gives the descriptor up without closing it: from now on this object acts as closed (every use
     * reports {@link ClosedChannelException}) and the caller owns the number, registrations included.
     *
     * @return the descriptor
     * @throws ClosedChannelException if closed or released already
     */
    public int release() throws ClosedChannelException {
        // Close-guard hook: once operations hold the descriptor while they run (issue 12 point 1), this
        // must mark the object closed and then wait for the last in-flight operation to leave, as close
        // does, before handing the number out; today it only stops later operations.
        if (!closed.compareAndSet(false, true)) {
            throw new UseAfterClose(fd);
        }
        return fd;
    }

    /** @return the descriptor number, open or not (for diagnostics) */
    public int rawFd() {
        return fd;
    }


    /** Registers the descriptor, refusing a closed one with {@link ClosedChannelException}. */
    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.register(registry, token, interests, trigger);
    }

    /** Reregisters the descriptor, refusing a closed one with {@link ClosedChannelException}. */
    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.reregister(registry, token, interests, trigger);
    }

    /** Deregisters the descriptor, refusing a closed one with {@link ClosedChannelException}. */
    @Override
    public void deregister(Registry registry) throws IOException {
        checkOpen();
        source.deregister(registry);
    }

    /** @return true once closed */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the descriptor the first time; later calls do nothing. Closing removes it from every
     * epoll/kqueue it was registered with (unless duplicated).
     *
     * @throws IOException from {@code close}
     */
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            Posix.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (closed.get() ? " (closed)" : "");
    }

    /** A {@link ClosedChannelException} that says what was closed (the JDK's has no message). */
    private static final class UseAfterClose extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final int fd;

        UseAfterClose(int fd) {
            this.fd = fd;
        }

        @Override
        public String getMessage() {
            return "used after close(): this socket or pipe end (formerly fd " + fd + ") is closed";
        }
    }
}
