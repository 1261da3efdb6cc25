package io.jmio.poll.net;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.spi.HandleGuard;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * A socket handle that one of jmio's network types owns, on whatever {@link SocketSystem} the process
 * runs, guarded by {@link HandleGuard}: every operation runs between {@link #acquire()} and
 * {@link #release()}, close may come from any thread, and the handle is released to the kernel by the
 * last one out, so a number reused by the kernel is never reached through a closed socket. Registered
 * as a {@link SourceFd} on Unix and as a {@link SourceSocket} on Windows.
 *
 * <p><b>Re-arming (Windows).</b> The IOCP backend keeps an interest of an edge-triggered registration
 * off once reported, until an operation that would block re-arms it. So on a system whose handles are
 * not file descriptors {@link #wouldBlock(Interest)} re-arms with the registry the guard remembers;
 * the owning type calls it, inside the guard, whenever a read, write, accept or receive found nothing
 * to do. On Unix {@link #wouldBlock} is a constant-false branch. Nothing here allocates after
 * construction.
 *
 * <p>Threading: thread-safe (see {@link HandleGuard}); the owning types' other state follows their
 * rule (one thread at a time), {@link #close()} excepted.
 */
final class NetSocket extends HandleGuard {
    static final SocketSystem SYS = SocketSystem.current();
    /** True where registrations must be re-armed after would-block: handles are Windows sockets. */
    static final boolean REARMS = !SYS.handlesAreFileDescriptors();

    private final Source source;
    private final SourceSocket socketSource;

    NetSocket(long handle) {
        super(handle);
        if (REARMS) {
            socketSource = new SourceSocket(handle);
            source = socketSource;
        } else {
            socketSource = null;
            source = new SourceFd((int) handle);
        }
    }

    /**
     * @return the handle as a Unix file descriptor, open now (borrowed: valid until closed)
     * @throws ClosedChannelException        if closed
     * @throws UnsupportedOperationException on Windows, whose sockets are not descriptors
     */
    int checkOpenFd() throws ClosedChannelException {
        if (isClosed()) {
            acquire(); // throws the descriptive ClosedChannelException
        }
        if (REARMS) {
            throw new UnsupportedOperationException("sockets on " + SYS.name() + " are SOCKET handles, not file"
                    + " descriptors: use rawHandle()");
        }
        return (int) handle;
    }

    /**
     * @return the handle, open now (borrowed: valid until closed)
     * @throws ClosedChannelException if closed
     */
    long checkOpen() throws ClosedChannelException {
        if (isClosed()) {
            acquire(); // throws the descriptive ClosedChannelException
        }
        return handle;
    }

    /**
     * Re-arms {@code interest} after an operation found it would block (Windows); does nothing on Unix.
     * Call it inside the guard. A poll closed meanwhile, or one that no longer has the socket
     * ({@code ENOENT}), is forgotten, not reported: the socket outlives its registration.
     */
    void wouldBlock(Interest interest) throws IOException {
        if (REARMS) {
            Registry r = registry();
            if (r != null) {
                try {
                    socketSource.rearm(r, interest);
                } catch (ClosedPollException e) {
                    forgetRegistration();
                } catch (IOException e) {
                    if (!(e instanceof SyscallFailure) || !"ENOENT".equals(((SyscallFailure) e).errnoName())) {
                        throw e;
                    }
                    forgetRegistration(); // deregistered by other means (a raw SourceSocket): nothing to re-arm
                }
            }
        }
    }

    @Override
    protected Source source() {
        return source;
    }

    @Override
    protected void closeHandle(long h) throws IOException {
        SYS.close(h);
    }

    @Override
    protected String describe() {
        return SYS.describe(handle);
    }
}
