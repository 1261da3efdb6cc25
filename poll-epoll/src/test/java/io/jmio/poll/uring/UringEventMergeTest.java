package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.Expect;
import io.jmio.poll.contract.Fds;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A multishot request posts one completion per wake-up of its file, and a level re-check adds one
 * more: the selector merges the completions of one registration into one event per poll, as epoll
 * reports a descriptor once per wait (a second event would cost the caller a read that finds nothing).
 */
@EnabledOnOs(OS.LINUX)
class UringEventMergeTest {
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

    @ParameterizedTest
    @EnumSource(value = Trigger.class, names = {"EDGE", "LEVEL"})
    void shouldReportOneEventPerRegistrationAndPollWhateverTheWakeUps(Trigger trigger) throws IOException {
        poll.registry().register(new SourceFd(pipe[0]), Token.of(7), Interest.READABLE, trigger);
        Expect.noEvents(poll, events); // armed
        for (int round = 0; round < 20; round++) {
            for (int w = 0; w < 3; w++) {
                Fds.write(pipe[1]); // three wake-ups: three completions for one request
            }
            assertTrue(poll.poll(events, Duration.ofSeconds(5)) >= 1, "no event in round " + round);
            assertEquals(1, events.size(), "round " + round + ": " + events);
            assertEquals(7, events.get(0).token());
            Fds.drain(pipe[0]);
            if (trigger == Trigger.LEVEL) {
                Expect.noEvents(poll, events); // the re-check finds it drained
            }
        }
    }
}
