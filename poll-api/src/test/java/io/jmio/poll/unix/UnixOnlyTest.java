package io.jmio.poll.unix;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.posix.Platform;

import org.junit.jupiter.api.Test;

/** The Unix-only guard: a clear refusal on Windows, nothing elsewhere. */
class UnixOnlyTest {
    @Test
    void shouldRefuseOnWindowsNamingThePlatformAndTheCall() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> UnixOnly.check(Platform.WINDOWS, "UnixStream.connect"));
        assertTrue(e.getMessage().startsWith("UnixStream.connect is unsupported on Windows"), e.getMessage());
    }

    @Test
    void shouldAllowUnixPlatforms() {
        for (Platform p : new Platform[] {Platform.LINUX, Platform.DARWIN, Platform.FREEBSD, Platform.OPENBSD}) {
            assertDoesNotThrow(() -> UnixOnly.check(p, "Pipe.open"));
        }
    }
}
