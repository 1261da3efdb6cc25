package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Poll;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Review D12: a Poll dropped unclosed gives its epoll fd and eventfd back once collected. */
@EnabledOnOs(OS.LINUX)
class PollCleanerTest {
    private static final int POLLS = 50;

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void shouldCloseAnUnreachableUnclosedPoll() throws IOException {
        int before = openFds();
        List<Poll> polls = new ArrayList<>(); // reachable until counted: a collection meanwhile must not close them
        for (int i = 0; i < POLLS; i++) {
            polls.add(Poll.open(new EpollBackend())); // to be dropped unclosed: two descriptors each
        }
        int leaked = openFds() - before;
        assertTrue(leaked >= 2 * POLLS, "the polls hold their descriptors while reachable: " + leaked);
        polls.clear();
        int now = leaked;
        // The cleaner runs after a collection, on its own thread: wait for it, bounded.
        for (long end = System.nanoTime() + 20_000_000_000L; now >= POLLS && System.nanoTime() < end; ) {
            System.gc();
            LockSupport.parkNanos(20_000_000);
            now = openFds() - before;
        }
        System.out.printf("PollCleanerTest: %d descriptors after opening %d polls, %d once collected%n",
                leaked, POLLS, now);
        assertTrue(now < POLLS, "unclosed, unreachable polls still hold " + now + " descriptors");
    }
}
