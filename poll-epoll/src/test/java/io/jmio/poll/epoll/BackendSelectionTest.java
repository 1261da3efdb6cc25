package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Poll;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** How {@link Poll#open()} finds this backend, and how it fails when asked for one that is absent. */
@EnabledOnOs(OS.LINUX)
class BackendSelectionTest {
    @Test
    void openPicksEpollOnLinuxThroughServiceLoader() throws IOException {
        try (Poll poll = Poll.open()) {
            assertEquals("epoll", poll.backendName());
            assertEquals("epoll", poll.registry().backendName());
        }
        assertNull(new EpollBackend().unavailabilityCause());
    }

    @Test
    void openByNameIsCaseInsensitive() throws IOException {
        try (Poll poll = Poll.open("EPOLL")) {
            assertEquals("epoll", poll.backendName());
        }
    }

    @Test
    void anAbsentBackendIsNamedInTheError() {
        IOException e = assertThrows(IOException.class, () -> Poll.open("nosuch"));
        assertTrue(e.getMessage().contains("'nosuch'") && e.getMessage().contains("epoll"), e.getMessage());
    }

    @Test
    void theSystemPropertyForcesABackend() {
        String old = System.getProperty(Poll.BACKEND_PROPERTY);
        System.setProperty(Poll.BACKEND_PROPERTY, "nosuch");
        try {
            IOException e = assertThrows(IOException.class, Poll::open);
            assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Poll.BACKEND_PROPERTY);
            } else {
                System.setProperty(Poll.BACKEND_PROPERTY, old);
            }
        }
    }
}
