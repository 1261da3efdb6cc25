package io.jmio.poll.contract;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;

import java.io.IOException;

/**
 * The sources a contract registers, made the way the backend's OS makes them, so that one contract
 * runs on every backend: on Unix pipes and socket pairs registered as {@link SourceFd}s
 * ({@link #unix()}); on Windows loopback TCP pairs registered as {@code SourceSocket}s (poll-iocp's
 * tests supply those).
 *
 * <p>Threading: implementations are stateless; each {@link Endpoint} is used by one test thread.
 */
public interface ContractSources {
    /**
     * @return a one-way pair: {@code [0]} reads what {@code [1]} writes, and sees end of stream when
     *         {@code [1]} closes (a pipe on Unix)
     */
    Endpoint[] pipe() throws IOException;

    /** @return two connected stream endpoints, each writable and readable */
    Endpoint[] socketPair() throws IOException;

    /** @return a source whose handle has been closed, which registering must refuse with EBADF */
    Source closedSource() throws IOException;

    /** @return the number of handles the process has open, or -1 where it cannot be counted */
    int openHandleCount();

    /**
     * Tells an edge-triggered registration of {@code e} that an operation on it has just returned
     * would-block, as jmio's own socket types do after every such operation: nothing on Unix, where the
     * kernel keeps the registration armed; a re-arm on IOCP ({@code SourceSocket.rearm}).
     */
    void wouldBlock(Registry registry, Endpoint e, Interest interests) throws IOException;

    /** One end of a pipe or connection, with the byte-level I/O the contracts do outside jmio. */
    interface Endpoint {
        /** @return this endpoint as a source, the same object on every call */
        Source source();

        /** Writes one byte (there must be room). */
        void write() throws IOException;

        /**
         * Reads until the endpoint would block.
         *
         * @return the bytes read; -1 if it reported end of stream first
         */
        long drain() throws IOException;

        /** @return the bytes written until a write would block */
        long fill() throws IOException;

        /** Closes the endpoint; later calls do nothing. */
        void close() throws IOException;
    }

    /** @return the Unix sources: non-blocking pipes and socket pairs as {@link SourceFd}s */
    static ContractSources unix() {
        return UnixSources.INSTANCE;
    }
}
