package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Poll;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The backend's availability on Linux: found by the ServiceLoader, unavailable, and no kqueue library loaded. */
@EnabledOnOs(OS.LINUX)
class KqueueBackendTest {
    @Test
    void shouldBeFoundByTheServiceLoader() {
        boolean found = false;
        for (PollBackend backend : ServiceLoader.load(PollBackend.class)) {
            found |= backend instanceof KqueueBackend && backend.name().equals("kqueue");
        }
        assertTrue(found, "META-INF/services lists KqueueBackend");
    }

    @Test
    void shouldSayWhyItIsUnavailableOnLinuxWithoutLoadingTheLibrary() {
        KqueueBackend backend = new KqueueBackend();
        assertFalse(backend.supportsCurrentOs());
        Throwable cause = backend.unavailabilityCause();
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("macOS and the BSDs"), cause.getMessage());
        assertNull(KqueueLibrary.LIB, "the kqueue binding must not be loaded on Linux");
        assertTrue(KqueueLibrary.LOAD_FAILURE.getMessage().contains("not loaded"), KqueueLibrary.LOAD_FAILURE.getMessage());
        assertNull(KqueueNative.INSTANCE);
    }

    @Test
    void shouldSayNetBsdIsUnsupportedAndAcceptTheOtherBsds() {
        Throwable netbsd = KqueueBackend.unsupported(Platform.NETBSD);
        assertNotNull(netbsd);
        assertTrue(netbsd.getMessage().contains("does not support NetBSD"), netbsd.getMessage());
        assertNotNull(KqueueBackend.unsupported(Platform.LINUX));
        for (Platform p : new Platform[] {Platform.DARWIN, Platform.FREEBSD, Platform.OPENBSD, Platform.DRAGONFLY}) {
            assertNull(KqueueBackend.unsupported(p), p.toString());
        }
    }

    @Test
    void shouldRefuseToOpenAPollOnLinux() {
        IOException e = assertThrows(IOException.class, () -> Poll.open(new KqueueBackend()));
        assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
        assertThrows(IOException.class, () -> new KqueueBackend().openSelector());
    }

    @Test
    void shouldNameItselfKqueueInPolls() throws IOException {
        try (Poll poll = Poll.open(new KqueueEmulatedBackend(KqueueAbi.DARWIN))) {
            assertEquals("kqueue", poll.backendName());
            assertTrue(poll.toString().contains("KqueueSelector"), poll.toString());
        }
    }
}
