package io.jmio.poll.uring;

import static io.jmio.poll.contract.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * io_uring ties a request to the thread that submitted it: the kernel runs its completion work there
 * and cancels it when that thread exits. The backend submits only from the polling thread, arms
 * again what a thread's exit cancelled, and deregisters synchronously while the owner waits.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringOwnerTest {
    private Poll poll;
    private final Events events = Events.withCapacity(16);
    private int[] pipe;

    @BeforeEach
    void open() throws IOException {
        poll = Poll.open(UringTestBackend.available());
        pipe = Fds.pipe();
    }

    @AfterEach
    void close() throws IOException {
        poll.close();
        Fds.close(pipe);
    }

    @Test
    void shouldKeepReportingAfterThePollingThreadThatArmedTheRequestExited() throws Exception {
        poll.registry().register(new SourceFd(pipe[0]), Token.of(1), Interest.READABLE);
        Thread first = new Thread(() -> {
            try {
                poll.poll(Events.withCapacity(4), Duration.ofMillis(10)); // submits the request, then exits
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        first.start();
        first.join();
        Expect.noEvents(poll, events); // reaps the -ECANCELED of the exit and arms the request again here
        Fds.write(pipe[1]);
        Expect.events(poll, events, readable(1));
    }

    @Test
    void shouldDeregisterWhileTheOwnerWaitsAndReleaseTheFileBeforeReturning() throws Exception {
        int[] s = Fds.socketPair();
        ExecutorService owner = Executors.newSingleThreadExecutor();
        CountDownLatch armed = new CountDownLatch(1);
        try {
            poll.registry().register(new SourceFd(s[0]), Token.of(1), Interest.READABLE);
            poll.registry().register(new SourceFd(pipe[0]), Token.of(2), Interest.READABLE);
            Future<Long> reported = owner.submit(() -> {
                Events mine = Events.withCapacity(4);
                poll.poll(mine, Duration.ZERO); // the owner thread submits both requests
                armed.countDown();
                while (true) {
                    poll.poll(mine, null);
                    for (Event e : mine) {
                        if (e.token() == 2) {
                            return e.token();
                        }
                    }
                }
            });
            assertTrue(armed.await(5, TimeUnit.SECONDS));
            poll.registry().deregister(new SourceFd(s[0]));
            Fds.close(s[0]);
            // Nothing of the kernel holds s[0] any more: the peer sees end of stream.
            try (Poll epoll = Poll.open("epoll")) {
                epoll.registry().register(new SourceFd(s[1]), Token.of(9), Interest.READABLE);
                Expect.events(epoll, Events.withCapacity(4), Expect.readClosed(9));
            }
            assertEquals(-1, Fds.drain(s[1]), "the peer did not see the close after deregister");
            Fds.write(pipe[1]);
            assertEquals(2L, reported.get(5, TimeUnit.SECONDS), "the owner kept serving the other registration");
        } finally {
            owner.shutdownNow();
            poll.close();
            Fds.close(s[1]);
        }
    }
}
