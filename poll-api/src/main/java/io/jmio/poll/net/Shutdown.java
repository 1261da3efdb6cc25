package io.jmio.poll.net;

/**
 * Which half of a connection {@link TcpStream#shutdown(Shutdown)} (or a Unix stream's) closes.
 *
 * <p>Threading: immutable.
 */
public enum Shutdown {
    /** No more reads: later reads return end of stream ({@code SHUT_RD}). */
    READ,
    /** No more writes: the peer reads end of stream ({@code SHUT_WR}). */
    WRITE,
    /** Both halves ({@code SHUT_RDWR}). */
    BOTH;

    /** @return the {@code how} argument of {@code shutdown(2)}, the same on every Unix */
    public int how() {
        return switch (this) {
            case READ -> 0;
            case WRITE -> 1;
            case BOTH -> 2;
        };
    }
}
