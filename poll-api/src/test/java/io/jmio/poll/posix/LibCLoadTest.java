package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What jmio says when it cannot bind libc: a 32-bit JVM (D11), no glibc (musl), and no NPE (D10). */
class LibCLoadTest {
    @Test
    void shouldRefuseA32BitJvmAndAcceptA64BitOne() {
        assertNull(LibC.jvmRefusal("64"));
        assertNull(LibC.jvmRefusal(null), "unknown: presumed 64-bit, as every JVM jmio runs on says 64");
        Throwable refused = LibC.jvmRefusal("32");
        assertTrue(refused instanceof UnsupportedOperationException, String.valueOf(refused));
        assertTrue(refused.getMessage().contains("64-bit JVMs only"), refused.getMessage());
    }

    @Test
    void shouldNameGlibcAndMuslWhenLibcSo6IsMissing() {
        UnsatisfiedLinkError missing = new UnsatisfiedLinkError("libc.so.6: cannot open shared object file");
        Throwable failure = LibC.linuxLoadFailure(missing);
        assertTrue(failure.getMessage().contains("glibc's libc.so.6"), failure.getMessage());
        assertTrue(failure.getMessage().contains("musl"), failure.getMessage());
        assertSame(missing, failure.getCause());
    }

    @Test
    void shouldReportTheLoadCauseInsteadOfANullPointer() {
        Throwable cause = LibC.jvmRefusal("32");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> LibC.require(null, cause));
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("64-bit JVMs only"), e.getMessage());
        assertSame(LibC.LIB, LibC.lib(), "bound here: the library itself");
    }
}
