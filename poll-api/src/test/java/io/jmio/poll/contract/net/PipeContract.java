package io.jmio.poll.contract.net;

import static io.jmio.poll.contract.net.NetTestSupport.collect;
import static io.jmio.poll.contract.net.NetTestSupport.expectEvent;
import static io.jmio.poll.contract.net.NetTestSupport.expectNoEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.unix.Pipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import org.junit.jupiter.api.Test;

public abstract class PipeContract {
    /** @return the backend under test */
    protected abstract PollBackend backend();

    private static final long SENDER = 1;
    private static final long RECEIVER = 2;

    @Test
    void shouldCarryBytesAndReportReadableOnce() throws IOException {
        try (Poll poll = Poll.open(backend()); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), Token.of(RECEIVER), Interest.READABLE);
            poll.registry().register(pipe.sender(), Token.of(SENDER), Interest.WRITABLE);
            expectEvent(poll, events, SENDER, NetTestSupport.Seen::writable, "empty pipe is writable");
            assertEquals(0, pipe.receiver().read(ByteBuffer.allocate(4)), "empty: would block");
            assertEquals(3, pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            expectEvent(poll, events, RECEIVER, NetTestSupport.Seen::readable, "data");
            ByteBuffer[] in = {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(4)};
            assertEquals(3, pipe.receiver().read(in));
            assertEquals(1, in[0].get(0));
            assertEquals(3, in[1].get(1));
            expectNoEvent(poll, events, RECEIVER);
        }
    }

    @Test
    void shouldReportOneReadClosedEventWhenSenderCloses() throws IOException {
        try (Poll poll = Poll.open(backend()); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), Token.of(RECEIVER), Interest.READABLE);
            pipe.sender().close();
            List<NetTestSupport.Seen> seen = collect(poll, events, NetTestSupport.QUIET);
            assertEquals(1, seen.size(), "exactly one event: " + seen);
            assertTrue(seen.get(0).readClosed(), seen.get(0).text());
            assertEquals(-1, pipe.receiver().read(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void shouldFailWritesWithEpipeWhenReceiverCloses() throws IOException {
        try (Poll poll = Poll.open(backend()); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.sender(), Token.of(SENDER), Interest.WRITABLE);
            expectEvent(poll, events, SENDER, NetTestSupport.Seen::writable, "writable");
            pipe.receiver().close();
            expectEvent(poll, events, SENDER, s -> s.error() || s.writeClosed(), "receiver gone");
            SyscallException e = assertThrows(SyscallException.class,
                    () -> pipe.sender().write(ByteBuffer.wrap(new byte[] {1})));
            assertEquals("EPIPE", e.errnoName());
            assertThrows(ClosedChannelException.class, () -> pipe.receiver().read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void shouldFillUpAndReportWritableAgainOnceDrained() throws IOException {
        try (Poll poll = Poll.open(backend()); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.sender(), Token.of(SENDER), Interest.WRITABLE);
            expectEvent(poll, events, SENDER, NetTestSupport.Seen::writable, "writable");
            ByteBuffer chunk = ByteBuffer.allocateDirect(16 * 1024);
            long written = 0;
            for (int i = 0; i < 10_000; i++) {
                chunk.clear();
                int n = pipe.sender().write(chunk);
                if (n == 0) {
                    break;
                }
                written += n;
            }
            assertTrue(written > 0 && written < 160_000_000L, "pipe filled after " + written);
            expectNoEvent(poll, events, SENDER);
            ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
            long read = 0;
            for (int i = 0; i < 10_000 && read < written; i++) {
                sink.clear();
                read += pipe.receiver().read(sink);
            }
            assertEquals(written, read);
            expectEvent(poll, events, SENDER, NetTestSupport.Seen::writable, "writable again");
        }
    }
}
