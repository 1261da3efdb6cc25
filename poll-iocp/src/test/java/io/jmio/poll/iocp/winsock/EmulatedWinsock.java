package io.jmio.poll.iocp.winsock;

/**
 * The Winsock socket system over {@link EmulatedWs2}: the real {@link WinsockSockets} facade calling an
 * emulation of {@code ws2_32} built on Linux sockets. Selected with
 * {@code -Djmio.sockets=io.jmio.poll.iocp.winsock.EmulatedWinsock}; poll-iocp's tests run jmio's network
 * types through it and the emulated IOCP selector.
 *
 * <p>Threading: as {@link WinsockSockets}.
 */
public final class EmulatedWinsock extends WinsockSockets {
    /** Used through {@link io.jmio.poll.spi.SocketSystem#PROPERTY}. */
    public EmulatedWinsock() {
        super(new EmulatedWs2(), false);
    }
}
