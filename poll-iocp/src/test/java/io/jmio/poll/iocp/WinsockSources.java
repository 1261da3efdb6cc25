package io.jmio.poll.iocp;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.contract.ContractSources;

import java.io.IOException;

/**
 * {@link ContractSources} of Windows: loopback TCP pairs made with the test-only {@link Winsock}
 * binding, registered as {@link SourceSocket}s (Windows pipes cannot be polled through AFD). A "pipe"
 * is a connection used one way; its reader sees end of stream when the writer closes. Would-block
 * re-arms the registration, as jmio's socket types do.
 *
 * <p>Threading: stateless; each endpoint is used by one test thread.
 */
final class WinsockSources implements ContractSources {
    @Override
    public Endpoint[] pipe() throws IOException {
        long[] p = Winsock.connectedPair(); // {client, server}: the server end reads what the client writes
        return new Endpoint[] {new SocketEndpoint(p[1]), new SocketEndpoint(p[0])};
    }

    @Override
    public Endpoint[] socketPair() throws IOException {
        long[] p = Winsock.connectedPair();
        return new Endpoint[] {new SocketEndpoint(p[0]), new SocketEndpoint(p[1])};
    }

    @Override
    public Source closedSource() throws IOException {
        long[] p = Winsock.connectedPair();
        Winsock.close(p[0]);
        Winsock.close(p[1]);
        return new SourceSocket(p[1]);
    }

    @Override
    public int openHandleCount() {
        return -1; // no portable count of a process's handles on Windows
    }

    @Override
    public void wouldBlock(Registry registry, Endpoint e, Interest interests) throws IOException {
        ((SourceSocket) e.source()).rearm(registry, interests);
    }

    /** One connected socket. */
    private static final class SocketEndpoint implements Endpoint {
        private final SourceSocket source;
        private boolean closed;

        SocketEndpoint(long socket) {
            this.source = new SourceSocket(socket);
        }

        @Override
        public Source source() {
            return source;
        }

        @Override
        public void write() throws IOException {
            Winsock.send(source.socket());
        }

        @Override
        public long drain() throws IOException {
            return Winsock.drain(source.socket());
        }

        @Override
        public long fill() throws IOException {
            return Winsock.fill(source.socket());
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                Winsock.close(source.socket());
            }
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }
}
