package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.anyLocal;
import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallFailure;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.SocketConstants;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// "try": some resources are held open by try-with-resources only for their side effect (a pending connection).
@SuppressWarnings("try")
public abstract class TcpListenerContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final long LISTENER = 1;

    @Test
    void shouldReportAcceptableConnectionAndThenWouldBlock() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            assertNull(listener.accept(), "nothing pending yet");
            try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "listener readable");
                try (TcpStream accepted = listener.accept()) {
                    assertNotNull(accepted);
                    assertEquals(client.localAddress(), accepted.peerAddress());
                    assertEquals(listener.localAddress(), accepted.localAddress());
                    assertNull(listener.accept(), "only one connection was made");
                }
            }
        }
    }

    @Test
    void shouldBindEphemeralPortOnLoopback() throws IOException {
        try (TcpListener listener = TcpListener.bind(anyLocal())) {
            InetSocketAddress local = listener.localAddress();
            assertEquals(InetAddress.getLoopbackAddress(), local.getAddress());
            assertNotEquals(0, local.getPort());
            assertNull(listener.takeError());
        }
    }

    @Test
    void shouldWorkOverIpv6Loopback() throws IOException {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(v6)) {
            assertTrue(listener.localAddress().getAddress() instanceof Inet6Address);
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "v6 listener readable");
                try (TcpStream accepted = listener.accept()) {
                    assertEquals(client.localAddress(), accepted.peerAddress());
                    accepted.setTtl(17);
                    assertEquals(17, accepted.ttl());
                }
            }
        }
    }

    @Test
    void shouldReportTwoSequentialConnectionsAsTwoEventsAndNoMore() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            List<TcpStream> open = new ArrayList<>();
            try {
                for (int round = 0; round < 2; round++) {
                    open.add(TcpStream.connect(listener.localAddress()));
                    expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "connection " + round);
                    TcpStream accepted = listener.accept();
                    assertNotNull(accepted, "connection " + round);
                    open.add(accepted);
                    assertNull(listener.accept(), "drained after connection " + round);
                }
                expectNoEvent(poll, events, LISTENER);
            } finally {
                for (TcpStream s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void shouldKeepReportingPendingConnectionWhenLevelTriggered() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal());
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE, Trigger.LEVEL);
            expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "first report");
            expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "reported again, not accepted");
            try (TcpStream accepted = listener.accept()) {
                assertNotNull(accepted);
            }
            expectNoEvent(poll, events, LISTENER);
        }
    }

    @Test
    void shouldReportNoEventAfterDeregister() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            poll.registry().deregister(listener);
            try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                expectNoEvents(poll, events);
                try (TcpStream accepted = listener.accept()) {
                    assertNotNull(accepted, "the connection was there all along");
                }
            }
        }
    }

    @Test
    void shouldReportNoEventForClosedRegisteredListener() throws IOException {
        try (Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(16);
            TcpListener listener = TcpListener.bind(anyLocal());
            InetSocketAddress address = listener.localAddress();
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            listener.close();
            try (TcpStream client = TcpStream.connect(address)) {
                expectNoEvent(poll, events, LISTENER);
            }
        }
    }

    @Test
    void shouldRefuseSecondBindToSamePortWithAddressInUse() throws IOException {
        try (TcpListener first = TcpListener.bind(anyLocal())) {
            java.net.BindException e = assertThrows(java.net.BindException.class,
                    () -> TcpListener.bind(first.localAddress()));
            assertEquals("bind", ((SyscallFailure) e).syscall());
            assertEquals("EADDRINUSE", ((SyscallFailure) e).errnoName());
            assertTrue(e.getMessage().contains(String.valueOf(first.localAddress().getPort())), e.getMessage());
        }
    }

    @Test
    void shouldSetAndReadTtl() throws IOException {
        try (TcpListener listener = TcpListener.bind(anyLocal())) {
            listener.setTtl(42);
            assertEquals(42, listener.ttl());
            assertThrows(IllegalArgumentException.class, () -> listener.setTtl(256));
        }
    }

    @Test
    void shouldThrowClosedChannelExceptionAfterClose() throws IOException {
        TcpListener listener = TcpListener.bind(anyLocal());
        listener.close();
        listener.close(); // idempotent
        assertThrows(ClosedChannelException.class, listener::accept);
        assertThrows(ClosedChannelException.class, listener::localAddress);
        try (Poll poll = Poll.open(backend())) {
            assertThrows(ClosedChannelException.class,
                    () -> poll.registry().register(listener, Token.of(1), Interest.READABLE));
        }
    }

    @Test
    void shouldReportEmfileAndAcceptAgainOnceDescriptorsAreFree() throws IOException {
        try (Poll poll = Poll.open(backend()); TcpListener listener = TcpListener.bind(anyLocal());
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);
            expectEvent(poll, events, LISTENER, NetTestSupport.Seen::readable, "pending connection");
            List<Integer> fillers = new ArrayList<>();
            try {
                // Use up every descriptor, pairs first then singles (bounded: the limit here is 20000).
                fillUntilEmfile(fillers, () -> {
                    int[] p = Posix.pipe();
                    return new int[] {p[0], p[1]};
                });
                fillUntilEmfile(fillers, () -> new int[] {Posix.socket(SocketConstants.AF_UNIX, SocketConstants.SOCK_DGRAM)});
                SyscallFailure emfile = NetTestSupport.assertSocketFailure(java.net.SocketException.class, listener::accept);
                assertEquals("EMFILE", emfile.errnoName());
                assertTrue(emfile.syscall().startsWith("accept"), emfile.syscall());
            } finally {
                for (int fd : fillers) {
                    Posix.close(fd);
                }
            }
            try (TcpStream accepted = listener.accept()) {
                assertNotNull(accepted, "the listener works again once descriptors are free");
                assertEquals(client.localAddress(), accepted.peerAddress());
            }
        }
    }

    interface Opener {
        int[] open() throws IOException;
    }

    private static void fillUntilEmfile(List<Integer> fillers, Opener opener) {
        for (int i = 0; i < 1_000_000; i++) {
            try {
                for (int fd : opener.open()) {
                    fillers.add(fd);
                }
            } catch (IOException e) {
                assertEquals("EMFILE", ((SyscallFailure) e).errnoName(), e.getMessage());
                return;
            }
        }
        throw new AssertionError("descriptor limit never reached");
    }
}
