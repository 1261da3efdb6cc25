package io.jmio.poll.unix;

import io.jmio.poll.posix.NativeScratch;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.PosixSockets;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.posix.SocketIo;
import io.jmio.poll.posix.Sockaddr;
import io.jmio.poll.spi.SocketSystem;

import java.io.IOException;
import java.util.Objects;

/**
 * The Unix-domain socket plumbing the stream, listener and datagram types share: opening, binding,
 * connecting and naming, addresses going through this thread's {@link NativeScratch}.
 *
 * <p>Threading: stateless.
 */
final class UnixSockets {
    private static final Sockaddr SOCKADDR = Sockaddr.current();
    /** The POSIX socket calls, for the generic socket options (Unix-domain sockets exist only there). */
    static final SocketSystem SYS = new PosixSockets();

    private UnixSockets() {
    }

    static int open(int type) throws IOException {
        return Posix.socket(SocketConstants.AF_UNIX, type);
    }

    /** Encodes the address into this thread's scratch; returns its length. */
    static int encode(UnixAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.kind() == UnixAddress.Kind.UNNAMED) {
            throw new IllegalArgumentException("cannot bind or connect to the unnamed address");
        }
        return SOCKADDR.putUnix(NativeScratch.get().buffer, NativeScratch.SOCKADDR_OFFSET, address.nameBytes(),
                address.kind() == UnixAddress.Kind.ABSTRACT);
    }

    static void bind(int fd, UnixAddress address) throws IOException {
        int len = encode(address);
        Posix.bind(fd, NativeScratch.get().address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    static boolean connect(int fd, UnixAddress address) throws IOException {
        int len = encode(address);
        return Posix.connect(fd, NativeScratch.get().address + NativeScratch.SOCKADDR_OFFSET, len, address);
    }

    static UnixAddress address(int fd, boolean peer) throws IOException {
        int len = Posix.socketAddress(fd, peer);
        return decode(len);
    }

    /** Decodes the address the last receive of this thread left in its scratch. */
    static UnixAddress lastSender() {
        return decode(SocketIo.lastAddressLength());
    }

    private static UnixAddress decode(int len) {
        NativeScratch s = NativeScratch.get();
        return UnixAddress.fromKernel(SOCKADDR.getUnixName(s.buffer, NativeScratch.SOCKADDR_OFFSET, len),
                SOCKADDR.isAbstractUnix(s.buffer, NativeScratch.SOCKADDR_OFFSET, len));
    }
}
