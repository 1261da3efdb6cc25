package io.jmio.poll.epoll.net;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.unix.SocketActivation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child of {@link SocketActivationTest}: a server started by {@code systemd-socket-activate} that
 * adopts the listening socket passed as descriptor 3, answers one connection and exits.
 * Exit status 2: no socket was passed; 3: no connection came within 20 s.
 */
public final class ActivatedServer {
    private ActivatedServer() {
    }

    public static void main(String[] args) throws Exception {
        SocketActivation activation = SocketActivation.fromEnvironment();
        if (activation.count() != 1) {
            System.err.println("expected one socket, got " + activation);
            System.exit(2);
        }
        try (Poll poll = Poll.open(); TcpListener listener = activation.tcpListener(0)) {
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            Events events = Events.withCapacity(4);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            TcpStream client = listener.accept();
            while (client == null && System.nanoTime() < deadline) {
                poll.poll(events, Duration.ofMillis(500));
                client = listener.accept();
            }
            if (client == null) {
                System.exit(3);
            }
            try (TcpStream c = client) {
                String reply = "activated: fd " + SocketActivation.FIRST_FD + " is " + listener.localAddress()
                        + " in pid " + ProcessHandle.current().pid() + "\n";
                ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII));
                while (out.hasRemaining() && System.nanoTime() < deadline) {
                    if (c.write(out) == 0) {
                        poll.poll(events, Duration.ofMillis(100));
                    }
                }
            }
        }
    }
}
