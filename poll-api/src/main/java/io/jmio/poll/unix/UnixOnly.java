package io.jmio.poll.unix;

import io.jmio.poll.posix.Platform;

/**
 * The guard at the entry of every type in this package: Unix-domain sockets and pipes as jmio binds
 * them exist only on Unix. Windows has {@code AF_UNIX} stream sockets since Windows 10 1803, but no
 * datagram ones, no {@code socketpair} and no pipes that AFD can poll; rather than a partial
 * imitation, jmio refuses them there with an {@link UnsupportedOperationException} that names the
 * platform, before any native call.
 *
 * <p>Threading: stateless.
 */
final class UnixOnly {
    private UnixOnly() {
    }

    /**
     * @param what the type and operation, e.g. {@code UnixStream.connect}
     * @throws UnsupportedOperationException on Windows
     */
    static void check(String what) {
        check(Platform.current(), what);
    }

    static void check(Platform platform, String what) {
        if (platform == Platform.WINDOWS) {
            throw new UnsupportedOperationException(what + " is unsupported on Windows: Unix-domain sockets and"
                    + " pipes are Unix-only in jmio (use TcpStream/TcpListener on loopback, or UdpSocket)");
        }
    }
}
