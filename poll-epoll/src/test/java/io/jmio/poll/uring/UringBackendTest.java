package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Poll;
import io.jmio.poll.epoll.EpollBackend;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** How the io_uring backend is chosen beside epoll, in the same module. */
@EnabledOnOs(OS.LINUX)
class UringBackendTest {
    @Test
    void shouldLeaveEpollTheDefaultOnLinux() throws IOException {
        assertTrue(new UringBackend().supportsCurrentOs());
        assertTrue(new UringBackend().priority() < new EpollBackend().priority());
        try (Poll poll = Poll.open()) {
            assertEquals("epoll", poll.backendName());
        }
    }

    @Test
    void shouldBeChosenByNameOrByTheSystemProperty() throws IOException {
        UringTestBackend.available();
        try (Poll poll = Poll.open("IO_URING")) {
            assertEquals("io_uring", poll.backendName());
        }
        String old = System.setProperty(Poll.BACKEND_PROPERTY, "io_uring");
        try (Poll poll = Poll.open()) {
            assertEquals("io_uring", poll.backendName());
        } finally {
            if (old == null) {
                System.clearProperty(Poll.BACKEND_PROPERTY);
            } else {
                System.setProperty(Poll.BACKEND_PROPERTY, old);
            }
        }
    }
}
