package io.jmio.poll.net;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A datagram was longer than the buffer it was received into: the buffer holds its first
 * {@link #bytesReceived()} bytes (its position has moved past them) and the rest is lost, as the
 * kernel reported with {@code MSG_TRUNC}. jmio reports this rather than returning a silently cut
 * datagram.
 *
 * <p>Threading: immutable once thrown.
 */
public class TruncatedDatagramException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What the receive wrote into the buffer. */
    private final int bytesReceived;
    private final transient SocketAddress sender;

    /**
     * @param bytesReceived how many bytes were put into the buffer
     * @param sender        who sent the datagram, or null if not asked for
     */
    public TruncatedDatagramException(int bytesReceived, SocketAddress sender) {
        super("datagram truncated to the buffer's " + bytesReceived + " bytes (MSG_TRUNC)"
                + (sender != null ? " from " + sender : ""));
        this.bytesReceived = bytesReceived;
        this.sender = sender;
    }

    /** @return the bytes put into the buffer: its room, less than the datagram's length */
    public int bytesReceived() {
        return bytesReceived;
    }

    /** @return the sender, or null for a connected receive */
    public SocketAddress sender() {
        return sender;
    }
}
