package io.jmio.poll.spi;

import io.jmio.poll.completion.CompletionQueue;

import java.io.IOException;

/**
 * A completion backend, found by {@link java.util.ServiceLoader} beside {@link PollBackend}: opens
 * {@link CompletionQueue}s. io_uring provides one on Linux; an IOCP one (overlapped I/O) could follow.
 *
 * <p>Threading: implementations are immutable and thread-safe.
 */
public interface CompletionBackend {
    /** @return the backend's name, e.g. {@code io_uring} */
    String name();

    /** @return true if this backend can exist on the running OS */
    boolean supportsCurrentOs();

    /** @return why this backend cannot run here, or {@code null} if it can */
    Throwable unavailabilityCause();

    /**
     * @param entries the submission queue's size (the kernel may round it); the most operations in
     *                flight is a small multiple of it
     * @return a new queue
     * @throws IOException if the kernel refuses to create it
     */
    CompletionQueue open(int entries) throws IOException;
}
