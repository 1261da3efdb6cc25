package io.jmio.poll.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jmio.poll.SyscallBindException;
import io.jmio.poll.SyscallConnectException;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.SyscallNoRouteToHostException;
import io.jmio.poll.SyscallPortUnreachableException;
import io.jmio.poll.SyscallSocketException;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The errno-name to exception-type table of {@link SyscallErrors#socketError}, and what each keeps. */
class SyscallErrorsTest {
    private static Class<?> typeOf(String syscall, String name) {
        return SyscallErrors.socketError(syscall, 42, name, "m").getClass();
    }

    @Test
    void shouldChooseTheJdkTypeJavaCodeCatches() {
        assertSame(SyscallConnectException.class, typeOf("connect", "ECONNREFUSED"));
        assertSame(SyscallConnectException.class, typeOf("SO_ERROR", "ECONNREFUSED"));
        assertSame(SyscallConnectException.class, typeOf("connect", "ETIMEDOUT"));
        assertSame(SyscallConnectException.class, typeOf("ConnectEx", "ETIMEDOUT"));
        assertSame(SyscallPortUnreachableException.class, typeOf("recvmsg", "ECONNREFUSED"));
        assertSame(SyscallPortUnreachableException.class, typeOf("sendto", "ECONNREFUSED"));
        assertSame(SyscallSocketException.class, typeOf("recv", "ETIMEDOUT"));
        assertSame(SyscallBindException.class, typeOf("bind", "EADDRINUSE"));
        assertSame(SyscallBindException.class, typeOf("connect", "EADDRNOTAVAIL"));
        assertSame(SyscallBindException.class, typeOf("bind", "EACCES"));
        assertSame(SyscallSocketException.class, typeOf("connect", "EACCES"));
        assertSame(SyscallNoRouteToHostException.class, typeOf("connect", "EHOSTUNREACH"));
        assertSame(SyscallNoRouteToHostException.class, typeOf("sendmsg", "ENETUNREACH"));
        for (String other : new String[] {"ECONNRESET", "EPIPE", "ENOTCONN", "ECONNABORTED", "ENOBUFS", "EMSGSIZE"}) {
            assertSame(SyscallSocketException.class, typeOf("send", other), other);
        }
    }

    @Test
    void shouldKeepCallErrnoAndNameInTheMessageFormat() {
        IOException e = SyscallErrors.socketError("connect", 111, "ECONNREFUSED", "Connection refused: fd 7");
        SyscallFailure f = assertInstanceOf(SyscallFailure.class, e);
        assertInstanceOf(java.net.ConnectException.class, e);
        assertEquals("connect", f.syscall());
        assertEquals(111, f.errno());
        assertEquals("ECONNREFUSED", f.errnoName());
        assertEquals("connect: ECONNREFUSED (Connection refused: fd 7)", e.getMessage());
    }
}
