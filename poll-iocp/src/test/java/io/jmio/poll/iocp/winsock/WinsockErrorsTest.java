package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.SyscallFailure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Winsock error table: codes from {@code winerror.h}, and the portable names jmio's contracts check. */
class WinsockErrorsTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "10004, WSAEINTR, EINTR",
        "10009, WSAEBADF, EBADF",
        "10013, WSAEACCES, EACCES",
        "10014, WSAEFAULT, EFAULT",
        "10022, WSAEINVAL, EINVAL",
        "10024, WSAEMFILE, EMFILE",
        "10035, WSAEWOULDBLOCK, EAGAIN",
        "10036, WSAEINPROGRESS, EINPROGRESS",
        "10037, WSAEALREADY, EALREADY",
        "10038, WSAENOTSOCK, EBADF",
        "10040, WSAEMSGSIZE, EMSGSIZE",
        "10042, WSAENOPROTOOPT, ENOPROTOOPT",
        "10045, WSAEOPNOTSUPP, EOPNOTSUPP",
        "10047, WSAEAFNOSUPPORT, EAFNOSUPPORT",
        "10048, WSAEADDRINUSE, EADDRINUSE",
        "10049, WSAEADDRNOTAVAIL, EADDRNOTAVAIL",
        "10050, WSAENETDOWN, ENETDOWN",
        "10051, WSAENETUNREACH, ENETUNREACH",
        "10052, WSAENETRESET, ENETRESET",
        "10053, WSAECONNABORTED, ECONNABORTED",
        "10054, WSAECONNRESET, ECONNRESET",
        "10055, WSAENOBUFS, ENOBUFS",
        "10056, WSAEISCONN, EISCONN",
        "10057, WSAENOTCONN, ENOTCONN",
        "10058, WSAESHUTDOWN, EPIPE",
        "10060, WSAETIMEDOUT, ETIMEDOUT",
        "10061, WSAECONNREFUSED, ECONNREFUSED",
        "10065, WSAEHOSTUNREACH, EHOSTUNREACH",
        "10093, WSANOTINITIALISED, WSANOTINITIALISED",
    })
    void shouldMapCodeToNames(int code, String wsaName, String portable) {
        assertEquals(wsaName, WinsockErrors.wsaName(code));
        assertEquals(portable, WinsockErrors.portableName(code));
        assertEquals(code, WinsockErrors.code(wsaName));
        SyscallFailure e = (SyscallFailure) WinsockErrors.exception("connect", code, "SOCKET 7 to /127.0.0.1:1");
        assertEquals("connect", e.syscall());
        assertEquals(code, e.errno(), "errno() is the Winsock code");
        assertEquals(portable, e.errnoName());
        assertTrue(((Exception) e).getMessage().contains(wsaName + " " + code + ": "), ((Exception) e).getMessage());
        assertTrue(((Exception) e).getMessage().contains("SOCKET 7 to /127.0.0.1:1"), ((Exception) e).getMessage());
    }

    @Test
    void shouldPinTheConstantsTheFacadeBranchesOn() {
        assertEquals(10035, WinsockErrors.WSAEWOULDBLOCK);
        assertEquals(10040, WinsockErrors.WSAEMSGSIZE);
        assertEquals(10054, WinsockErrors.WSAECONNRESET);
        assertEquals(10058, WinsockErrors.WSAESHUTDOWN);
        assertEquals(10036, WinsockErrors.WSAEINPROGRESS);
        assertEquals(10053, WinsockErrors.WSAECONNABORTED);
        assertEquals(10004, WinsockErrors.WSAEINTR);
    }

    @Test
    void shouldNameAnUnknownCodeByNumber() {
        SyscallFailure e = (SyscallFailure) WinsockErrors.exception("send", 12345, null);
        assertEquals("WSA error 12345", e.errnoName());
        assertEquals(-1, WinsockErrors.code("WSAENOSUCH"));
    }

    @Test
    void shouldReportUdpPortUnreachableAsConnectionRefused() {
        SyscallFailure e = (SyscallFailure) WinsockErrors.datagramException("recvfrom", 10054, "SOCKET 9");
        assertEquals("ECONNREFUSED", e.errnoName());
        assertEquals(10054, e.errno());
        assertTrue(((Exception) e).getMessage().contains("WSAECONNRESET") && ((Exception) e).getMessage().contains("ICMP"), ((Exception) e).getMessage());
        assertEquals("EMSGSIZE", ((SyscallFailure) WinsockErrors.datagramException("sendto", 10040, null)).errnoName());
    }
}
