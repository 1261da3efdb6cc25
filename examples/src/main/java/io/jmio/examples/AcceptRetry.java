package io.jmio.examples;

import java.io.IOException;
import java.time.Duration;

/**
 * What an accept loop on an edge-triggered listener remembers when {@code accept} fails for want of
 * descriptors ({@code EMFILE}, {@code ENFILE}): the connections left in the backlog will not be
 * reported again (the listener's edge was already consumed), so the loop must retry by itself. While
 * backlogged, {@link #pollTimeout()} bounds the poll, and the loop calls accept again after every poll
 * until accept returns null ({@link #drained()}). See {@link io.jmio.poll.net.TcpListener}'s
 * "Running out of descriptors".
 *
 * <p>Threading: the loop's thread only, except {@link #failures()}, readable from any thread.
 */
final class AcceptRetry {
    /** How long a backlogged loop waits before it tries to accept again. */
    static final Duration RETRY = Duration.ofMillis(50);

    private boolean backlogged;
    private volatile long failures;

    /** @return the poll timeout: {@link #RETRY} while connections may be waiting, else null (forever) */
    Duration pollTimeout() {
        return backlogged ? RETRY : null;
    }

    /** @return true if the backlog may hold connections that no event will announce */
    boolean backlogged() {
        return backlogged;
    }

    /** An accept failed: the backlog is not drained. Says so once per shortage. */
    void failed(IOException e) {
        if (!backlogged) {
            System.err.println("accept failed, retrying every " + RETRY.toMillis() + " ms: " + e.getMessage());
        }
        backlogged = true;
        failures++;
    }

    /** Accept returned null: the backlog is empty, the next connection brings a new edge. */
    void drained() {
        backlogged = false;
    }

    /** @return how many accepts have failed so far */
    long failures() {
        return failures;
    }
}
