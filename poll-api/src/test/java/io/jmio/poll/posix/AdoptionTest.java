package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** An adopted descriptor is made non-blocking and close-on-exec, as jmio's own sockets are from birth. */
@EnabledOnOs(OS.LINUX)
class AdoptionTest {
    private static final int F_GETFD = 1;
    private static final int F_GETFL = 3;

    @Test
    void shouldMakeAnInheritedSocketNonBlockingAndCloseOnExec() throws Exception {
        // As a parent would pass it: blocking and inheritable (plain socket(2), no SOCK_* flags).
        int fd = LibC.LIB.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        assertTrue(fd >= 0);
        try {
            assertEquals(0, LibC.LIB.fcntl(fd, F_GETFD, 0) & 1, "inheritable before");
            assertEquals(0, LibC.LIB.fcntl(fd, F_GETFL, 0) & Posix.O_NONBLOCK, "blocking before");
            boolean v6 = Adoption.adopt(fd, Adoption.Family.INET, SocketConstants.SOCK_DGRAM, false, "UdpSocket");
            assertEquals(false, v6);
            assertEquals(1, LibC.LIB.fcntl(fd, F_GETFD, 0) & 1, "FD_CLOEXEC after");
            assertNotEquals(0, LibC.LIB.fcntl(fd, F_GETFL, 0) & Posix.O_NONBLOCK, "O_NONBLOCK after");
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void shouldDuplicateCloseOnExec() throws Exception {
        int fd = LibC.LIB.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        try {
            int copy = Adoption.duplicate(fd);
            try {
                assertNotEquals(fd, copy);
                assertEquals(1, LibC.LIB.fcntl(copy, F_GETFD, 0) & 1, "F_DUPFD_CLOEXEC = 1030 on Linux");
            } finally {
                Posix.close(copy);
            }
        } finally {
            Posix.close(fd);
        }
    }
}
