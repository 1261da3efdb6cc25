package io.jmio.poll.net;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A socket handle that one of jmio's network types owns, on whatever {@link SocketSystem} the process
 * runs: closed exactly once, after which every use reports {@link ClosedChannelException}; registered
 * as a {@link SourceFd} on Unix and as a {@link SourceSocket} on Windows.
 *
 * <p><b>Re-arming (Windows).</b> The IOCP backend keeps an interest of an edge-triggered registration
 * off once reported, until an operation that would block re-arms it. So on a system whose handles are
 * not file descriptors this object remembers the {@link Registry} it was last registered with, and
 * {@link #wouldBlock(Interest)} re-arms there; the owning type calls it whenever a read, write, accept
 * or receive found nothing to do. On Unix {@link #wouldBlock} is a constant-false branch. Nothing here
 * allocates after construction. A socket registered with several polls at once re-arms only the last.
 *
 * <p>Threading: {@link #close()} and {@link #checkOpen()} are thread-safe; registration and I/O follow
 * the owning type's rule (one thread at a time).
 */
final class NetSocket {
    static final SocketSystem SYS = SocketSystem.current();
    /** True where registrations must be re-armed after would-block: handles are Windows sockets. */
    static final boolean REARMS = !SYS.handlesAreFileDescriptors();

    private final long handle;
    private final Source source;
    private final SourceSocket socketSource;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The registry to re-arm with, only where {@link #REARMS}; null when not registered. */
    private volatile Registry registry;

    NetSocket(long handle) {
        this.handle = handle;
        if (REARMS) {
            socketSource = new SourceSocket(handle);
            source = socketSource;
        } else {
            socketSource = null;
            source = new SourceFd((int) handle);
        }
    }

    /**
     * @return the handle
     * @throws ClosedChannelException if closed
     */
    long checkOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new UseAfterClose(SYS.describe(handle));
        }
        return handle;
    }

    /** @return the handle, open or not (diagnostics) */
    long handle() {
        return handle;
    }

    /**
     * @return the handle as a Unix file descriptor
     * @throws ClosedChannelException        if closed
     * @throws UnsupportedOperationException on Windows, whose sockets are not descriptors
     */
    int checkOpenFd() throws ClosedChannelException {
        long h = checkOpen();
        if (REARMS) {
            throw new UnsupportedOperationException("sockets on " + SYS.name() + " are SOCKET handles, not file"
                    + " descriptors: use rawHandle()");
        }
        return (int) h;
    }

    /**
     * Re-arms {@code interest} after an operation found it would block (Windows); does nothing on Unix.
     * A poll closed meanwhile, or one that no longer has the socket ({@code ENOENT}), is forgotten, not
     * reported: the socket outlives its registration.
     */
    void wouldBlock(Interest interest) throws IOException {
        if (REARMS) {
            Registry r = registry;
            if (r != null) {
                try {
                    socketSource.rearm(r, interest);
                } catch (ClosedPollException e) {
                    registry = null;
                } catch (SyscallException e) {
                    if (!"ENOENT".equals(e.errnoName())) {
                        throw e;
                    }
                    registry = null; // deregistered by other means (a raw SourceSocket): nothing to re-arm
                }
            }
        }
    }

    void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.register(registry, token, interests, trigger);
        if (REARMS) {
            this.registry = registry;
        }
    }

    void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.reregister(registry, token, interests, trigger);
        if (REARMS) {
            this.registry = registry;
        }
    }

    void deregister(Registry registry) throws IOException {
        checkOpen();
        source.deregister(registry);
        if (REARMS) {
            this.registry = null;
        }
    }

    /**
     * Closes the handle the first time; later calls do nothing. On Unix the kernel drops its
     * registrations; on Windows a registered socket is deregistered first, as the IOCP backend asks
     * ({@link SourceSocket}).
     *
     * @throws IOException from the close call, or from the deregistration (the socket is closed either way)
     */
    void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            Registry r = registry;
            IOException failure = null;
            if (REARMS && r != null) {
                registry = null;
                try {
                    socketSource.deregister(r);
                } catch (ClosedPollException e) {
                    // The poll is closed: it holds nothing of this socket any more.
                } catch (SyscallException e) {
                    if (!"ENOENT".equals(e.errnoName())) { // ENOENT: deregistered already, by other means
                        failure = e;
                    }
                }
            }
            try {
                SYS.close(handle);
            } catch (IOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
            if (failure != null) {
                throw failure; // the socket is closed; the poll could not be told
            }
        }
    }

    /**
     * Gives the handle up without closing it: this object then acts as closed, and the caller owns the
     * handle. On Windows a registered socket is deregistered first, as {@link #close()} does, since the
     * IOCP backend's state for it would otherwise outlive this object.
     *
     * @return the handle
     * @throws IOException if closed or released already, or from the deregistration
     */
    long release() throws IOException {
        // Close-guard hook: once operations hold the handle while they run (issue 12 point 1), release must
        // mark the socket closed and then wait for the last in-flight operation to leave, as close does,
        // before returning the handle; today it only stops operations that start afterwards.
        if (!closed.compareAndSet(false, true)) {
            throw new UseAfterClose(SYS.describe(handle));
        }
        Registry r = registry;
        if (REARMS && r != null) {
            registry = null;
            try {
                socketSource.deregister(r);
            } catch (ClosedPollException e) {
                // The poll is closed: nothing of this socket remains in it.
            }
        }
        return handle;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return SYS.describe(handle) + (closed.get() ? " (closed)" : "");
    }

    /** A {@link ClosedChannelException} that says what was closed (the JDK's has no message). */
    private static final class UseAfterClose extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String what;

        UseAfterClose(String what) {
            this.what = what;
        }

        @Override
        public String getMessage() {
            return "used after close(): this socket (formerly " + what + ") is closed";
        }
    }
}
