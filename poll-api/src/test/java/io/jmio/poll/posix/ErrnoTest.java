package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void linuxAndBsdNumbersDifferWhereTheHeadersSay() {
        Errno linux = Errno.forPlatform(Platform.LINUX);
        Errno mac = Errno.forPlatform(Platform.DARWIN);
        Errno freebsd = Errno.forPlatform(Platform.FREEBSD);
        assertEquals(11, linux.number("EAGAIN"));
        assertEquals(35, mac.number("EAGAIN"));
        assertEquals(115, linux.number("EINPROGRESS"));
        assertEquals(36, freebsd.number("EINPROGRESS"));
        assertEquals(111, linux.number("ECONNREFUSED"));
        assertEquals(61, mac.number("ECONNREFUSED"));
        assertEquals(102, mac.number("EOPNOTSUPP"));
        assertEquals(45, freebsd.number("EOPNOTSUPP"));
        for (Errno e : new Errno[] {linux, mac, freebsd}) {
            assertEquals(17, e.number("EEXIST"));
            assertEquals(2, e.number("ENOENT"));
            assertEquals(9, e.number("EBADF"));
            assertEquals("EEXIST", e.name(17));
        }
        assertEquals("errno 4242", linux.name(4242));
    }

    @Test
    void platformDetection() {
        assertEquals(Platform.LINUX, Platform.detect("Linux"));
        assertEquals(Platform.DARWIN, Platform.detect("Mac OS X"));
        assertEquals(Platform.FREEBSD, Platform.detect("FreeBSD"));
        assertEquals(Platform.WINDOWS, Platform.detect("Windows 11"));
        assertEquals(Platform.OTHER, Platform.detect("SunOS"));
    }
}
