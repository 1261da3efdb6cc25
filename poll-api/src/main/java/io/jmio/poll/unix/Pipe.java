package io.jmio.poll.unix;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.posix.OwnedFd;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A Unix pipe whose two ends register separately, as mio's {@code unix::pipe}: bytes written to the
 * {@link Sender} are read from the {@link Receiver}. Both ends are non-blocking and close-on-exec.
 *
 * <pre>{@code
 * Pipe pipe = Pipe.open();
 * poll.registry().register(pipe.receiver(), Token.of(1), Interest.READABLE);
 * pipe.sender().write(ByteBuffer.wrap(new byte[] {42}));
 * pipe.sender().close();            // the receiver gets one read-closed event, then reads -1
 * }</pre>
 *
 * <p>When the sender closes, the receiver reports read-closed and reads end of stream once drained;
 * when the receiver closes, the sender reports an error/write-closed event and writes throw
 * {@code EPIPE} (the JVM ignores {@code SIGPIPE}, so no signal kills it).
 *
 * <p>Portability: Unix only.
 *
 * <p>Threading: each end is not thread-safe on its own, but the two ends may be used by two threads.
 *
 * @param sender   the writing end
 * @param receiver the reading end
 */
public record Pipe(Sender sender, Receiver receiver) implements AutoCloseable {
    /**
     * @param sender   the writing end
     * @param receiver the reading end
     * @throws NullPointerException if either is null
     */
    public Pipe {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
    }

    /**
     * @return a new pipe
     * @throws IOException from {@code pipe}, e.g. {@code EMFILE}
     */
    public static Pipe open() throws IOException {
        UnixOnly.check("Pipe.open");
        int[] fds = Posix.pipe();
        return new Pipe(new Sender(fds[1]), new Receiver(fds[0]));
    }

    /**
     * Closes both ends.
     *
     * @throws IOException from {@code close}
     */
    @Override
    public void close() throws IOException {
        try {
            sender.close();
        } finally {
            receiver.close();
        }
    }

    /**
     * The writing end of a {@link Pipe}.
     *
     * <p>Threading: not thread-safe; use it from one thread at a time, except {@code close()}, which is
     * safe from any thread at any time (the last one out releases the descriptor).
     */
    public static final class Sender implements Source, AutoCloseable {
        private final OwnedFd fd;

        Sender(int fd) {
            this.fd = new OwnedFd(fd);
        }

        /**
         * @param src a buffer
         * @return bytes written; 0 if the pipe is full (would block)
         * @throws IOException e.g. {@code write: EPIPE} once the receiver is closed
         */
        public int write(ByteBuffer src) throws IOException {
            int h = fd.acquireFd();
            try {
                return SocketIo.write(h, SocketIo.Kind.FILE, src, 0);
            } finally {
                fd.release();
            }
        }

        /**
         * @param srcs buffers, written in order ({@code writev}, up to 16)
         * @return bytes written; 0 if the pipe is full
         * @throws IOException from {@code writev}
         */
        public long write(ByteBuffer[] srcs) throws IOException {
            int h = fd.acquireFd();
            try {
                return SocketIo.write(h, SocketIo.Kind.FILE, srcs, 0, srcs.length);
            } finally {
                fd.release();
            }
        }

        /**
         * @return the descriptor, still owned by this end
         * @throws IOException if closed
         */
        public int rawFd() throws IOException {
            return fd.checkOpen();
        }

        @Override
        public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
            fd.register(registry, token, interests, trigger);
        }

        @Override
        public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
            fd.reregister(registry, token, interests, trigger);
        }

        @Override
        public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
            fd.register(registry, token, interests, trigger);
        }

        @Override
        public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
            fd.reregister(registry, token, interests, trigger);
        }

        @Override
        public void deregister(Registry registry) throws IOException {
            fd.deregister(registry);
        }

        /**
         * Closes this end (idempotent): the receiver sees end of stream.
         *
         * @throws IOException from {@code close}
         */
        @Override
        public void close() throws IOException {
            fd.close();
        }

        @Override
        public String toString() {
            return "Pipe.Sender(" + fd + ")";
        }
    }

    /**
     * The reading end of a {@link Pipe}.
     *
     * <p>Threading: not thread-safe; use it from one thread at a time, except {@code close()}, which is
     * safe from any thread at any time (the last one out releases the descriptor).
     */
    public static final class Receiver implements Source, AutoCloseable {
        private final OwnedFd fd;

        Receiver(int fd) {
            this.fd = new OwnedFd(fd);
        }

        /**
         * @param dst a buffer
         * @return bytes read; 0 if the pipe is empty (would block); -1 once the sender closed and all is read
         * @throws IOException from {@code read}
         */
        public int read(ByteBuffer dst) throws IOException {
            int h = fd.acquireFd();
            try {
                return SocketIo.read(h, SocketIo.Kind.FILE, dst, 0);
            } finally {
                fd.release();
            }
        }

        /**
         * @param dsts buffers, filled in order ({@code readv}, up to 16)
         * @return bytes read; 0 if empty; -1 at end of stream
         * @throws IOException from {@code readv}
         */
        public long read(ByteBuffer[] dsts) throws IOException {
            int h = fd.acquireFd();
            try {
                return SocketIo.read(h, SocketIo.Kind.FILE, dsts, 0, dsts.length);
            } finally {
                fd.release();
            }
        }

        /**
         * @return the descriptor, still owned by this end
         * @throws IOException if closed
         */
        public int rawFd() throws IOException {
            return fd.checkOpen();
        }

        @Override
        public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
            fd.register(registry, token, interests, trigger);
        }

        @Override
        public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
            fd.reregister(registry, token, interests, trigger);
        }

        @Override
        public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
            fd.register(registry, token, interests, trigger);
        }

        @Override
        public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
            fd.reregister(registry, token, interests, trigger);
        }

        @Override
        public void deregister(Registry registry) throws IOException {
            fd.deregister(registry);
        }

        /**
         * Closes this end (idempotent): the sender's writes fail with {@code EPIPE}.
         *
         * @throws IOException from {@code close}
         */
        @Override
        public void close() throws IOException {
            fd.close();
        }

        @Override
        public String toString() {
            return "Pipe.Receiver(" + fd + ")";
        }
    }
}
