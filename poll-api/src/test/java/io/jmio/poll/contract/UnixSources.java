package io.jmio.poll.contract;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;

import java.io.IOException;

/** {@link ContractSources} of Unix: pipes and socket pairs made by {@link Fds}. Threading: stateless. */
final class UnixSources implements ContractSources {
    static final UnixSources INSTANCE = new UnixSources();

    private UnixSources() {
    }

    @Override
    public Endpoint[] pipe() throws IOException {
        return wrap(Fds.pipe());
    }

    @Override
    public Endpoint[] socketPair() throws IOException {
        return wrap(Fds.socketPair());
    }

    @Override
    public Source closedSource() throws IOException {
        int[] p = Fds.pipe();
        Fds.close(p[0], p[1]);
        return new SourceFd(p[0]);
    }

    @Override
    public int openHandleCount() {
        return Fds.openFdCount();
    }

    @Override
    public void wouldBlock(Registry registry, Endpoint e, Interest interests) {
        // epoll and kqueue keep edge-triggered registrations armed: nothing to do.
    }

    private static Endpoint[] wrap(int[] fds) {
        return new Endpoint[] {new FdEndpoint(fds[0]), new FdEndpoint(fds[1])};
    }

    /** A descriptor as an endpoint. */
    static final class FdEndpoint implements Endpoint {
        final int fd;
        private final SourceFd source;
        private boolean closed;

        FdEndpoint(int fd) {
            this.fd = fd;
            this.source = new SourceFd(fd);
        }

        @Override
        public Source source() {
            return source;
        }

        @Override
        public void write() throws IOException {
            Fds.write(fd);
        }

        @Override
        public long drain() throws IOException {
            return Fds.drain(fd);
        }

        @Override
        public long fill() throws IOException {
            return Fds.fill(fd);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                Fds.close(fd);
            }
        }

        @Override
        public String toString() {
            return "fd " + fd;
        }
    }
}
