package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.posix.Platform;

import org.junit.jupiter.api.Test;

/** poll-kqueue supplies the POSIX sockets on macOS and the BSDs only. */
class BsdSocketsProviderTest {
    @Test
    void claimsTheBsdsOnly() {
        assertEquals(Platform.current().isBsd(), new BsdSocketsProvider().supportsCurrentOs());
    }
}
