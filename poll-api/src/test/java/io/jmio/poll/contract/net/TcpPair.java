package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.Token;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;

/** A connected loopback pair: the client (connected, writable seen) and the server side (accepted). */
public final class TcpPair implements AutoCloseable {
    /** The connecting end. */
    public final TcpStream client;
    /** The accepted end. */
    public final TcpStream server;

    private TcpPair(TcpStream client, TcpStream server) {
        this.client = client;
        this.server = server;
    }

    /** Connects through a temporary listener and its own poll, waiting with timeouts only. */
    public static TcpPair open(PollBackend backend) throws IOException {
        try (Poll poll = Poll.open(backend); TcpListener listener = TcpListener.bind(NetTestSupport.anyLocal())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(listener, Token.of(0), Interest.READABLE);
            TcpStream client = TcpStream.connect(listener.localAddress());
            NetTestSupport.expectEvent(poll, events, 0, NetTestSupport.Seen::readable, "accept");
            TcpStream server = listener.accept();
            assertNotNull(server);
            return new TcpPair(client, server);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
