package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The completion tests' waits: reaping in 100 ms slices until the completions a test expects have
 * arrived, or failing after {@link #WAIT}.
 *
 * <p>Threading: the queue's own thread.
 */
final class Reaping {
    /** How long a test waits for a completion it expects. */
    static final long WAIT = TimeUnit.SECONDS.toNanos(5);

    private Reaping() {
    }

    /**
     * Reaps until a completion with {@code token} arrives.
     *
     * @return its index in {@code c}
     */
    static int await(CompletionQueue q, Completions c, long token) throws IOException {
        long deadline = System.nanoTime() + WAIT;
        while (System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                if (c.token(i) == token) {
                    return i;
                }
            }
        }
        throw new AssertionError("no completion for token " + token);
    }

    /**
     * Reaps until completions with all {@code tokens} arrived.
     *
     * @return each token's (last) result
     */
    static Map<Long, Integer> results(CompletionQueue q, Completions c, long... tokens) throws IOException {
        Map<Long, Integer> r = new HashMap<>();
        long deadline = System.nanoTime() + WAIT;
        while (r.size() < tokens.length && System.nanoTime() < deadline) {
            q.reap(c, TimeUnit.MILLISECONDS.toNanos(100));
            for (int i = 0; i < c.size(); i++) {
                r.put(c.token(i), c.result(i));
            }
        }
        for (long t : tokens) {
            assertTrue(r.containsKey(t), "no completion for token " + t);
        }
        return r;
    }
}
