package io.jmio.poll.epoll.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.contract.net.NetTestSupport;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.unix.Pipe;
import io.jmio.poll.unix.UnixAddress;
import io.jmio.poll.unix.UnixDatagram;
import io.jmio.poll.unix.UnixListener;
import io.jmio.poll.unix.UnixStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every descriptor jmio creates is non-blocking and close-on-exec from birth, as the kernel reports
 * in {@code /proc/self/fdinfo} (the {@code flags:} line, octal: {@code O_NONBLOCK} 04000,
 * {@code O_CLOEXEC} 02000000).
 */
class DescriptorFlagsTest {
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;

    @TempDir
    Path dir;

    private static int flags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags line for fd " + fd);
    }

    private static void check(String what, int fd) throws IOException {
        int flags = flags(fd);
        assertEquals(O_NONBLOCK, flags & O_NONBLOCK, what + " is non-blocking (flags 0" + Integer.toOctalString(flags) + ")");
        assertEquals(O_CLOEXEC, flags & O_CLOEXEC, what + " is close-on-exec (flags 0" + Integer.toOctalString(flags) + ")");
    }

    @Test
    void shouldCreateEveryDescriptorNonBlockingAndCloseOnExec() throws IOException {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal());
            open.add(listener);
            check("TcpListener", listener.rawFd());
            TcpStream client = TcpStream.connect(listener.localAddress());
            open.add(client);
            check("TcpStream.connect", client.rawFd());
            try (Poll poll = Poll.open()) {
                poll.registry().register(listener, Token.of(0), Interest.READABLE);
                NetTestSupport.expectEvent(poll, Events.withCapacity(4), 0, NetTestSupport.Seen::readable, "accept");
            }
            TcpStream accepted = listener.accept();
            assertNotNull(accepted);
            open.add(accepted);
            check("TcpListener.accept", accepted.rawFd());
            UdpSocket udp = UdpSocket.bind(NetTestSupport.anyLocal());
            open.add(udp);
            check("UdpSocket", udp.rawFd());
            UnixListener unixListener = UnixListener.bind(UnixAddress.of(dir.resolve("l.sock")));
            open.add(unixListener);
            check("UnixListener", unixListener.rawFd());
            UnixStream unixClient = UnixStream.connect(UnixAddress.of(dir.resolve("l.sock")));
            open.add(unixClient);
            check("UnixStream.connect", unixClient.rawFd());
            UnixStream unixAccepted = unixListener.accept();
            assertNotNull(unixAccepted);
            open.add(unixAccepted);
            check("UnixListener.accept", unixAccepted.rawFd());
            for (UnixStream s : UnixStream.pair()) {
                open.add(s);
                check("UnixStream.pair", s.rawFd());
            }
            Pipe pipe = Pipe.open();
            open.add(pipe);
            check("Pipe.Sender", pipe.sender().rawFd());
            check("Pipe.Receiver", pipe.receiver().rawFd());
            UnixDatagram unbound = UnixDatagram.unbound();
            open.add(unbound);
            check("UnixDatagram.unbound", unbound.rawFd());
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
