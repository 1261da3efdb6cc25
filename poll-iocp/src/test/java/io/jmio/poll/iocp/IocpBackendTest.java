package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Poll;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Discovery and availability of the real backend; on Linux it must decline without loading a DLL. */
class IocpBackendTest {
    @Test
    void foundByServiceLoaderUnderItsName() {
        List<String> names = new ArrayList<>();
        for (PollBackend b : ServiceLoader.load(PollBackend.class)) {
            names.add(b.name());
        }
        assertTrue(names.contains("iocp"), names.toString());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void declinesOtherOperatingSystemsWithACause() {
        IocpBackend backend = new IocpBackend();
        assertFalse(backend.supportsCurrentOs());
        Throwable cause = backend.unavailabilityCause();
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().contains("Windows"), cause.getMessage());
        assertNull(IocpLibrary.BOUND, "kernel32 must not even be looked for off Windows");
        IOException e = assertThrows(IOException.class, () -> Poll.open("iocp"));
        assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
    }

    @Test
    void platformCheckComesBeforeLoading() {
        assertTrue(IocpLibrary.unsupportedPlatform(Platform.LINUX, "amd64") instanceof UnsupportedOperationException);
        assertTrue(IocpLibrary.unsupportedPlatform(Platform.DARWIN, "aarch64") instanceof UnsupportedOperationException);
        assertTrue(IocpLibrary.unsupportedPlatform(Platform.WINDOWS, "x86").getMessage().contains("64-bit"));
        assertNull(IocpLibrary.unsupportedPlatform(Platform.WINDOWS, "amd64"));
        assertNull(IocpLibrary.unsupportedPlatform(Platform.WINDOWS, "aarch64"));
    }

    @Test
    void nameIsIocp() {
        assertEquals("iocp", new IocpBackend().name());
        assertEquals("iocp", new EmulatedIocpBackend().name());
    }
}
