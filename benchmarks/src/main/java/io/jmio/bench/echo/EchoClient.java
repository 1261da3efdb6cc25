package io.jmio.bench.echo;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The load of the echo benchmark, the same for every server: {@code n} blocking loopback
 * connections, driven by the calling thread. One {@link #roundTrips()} writes one message on every
 * connection, then reads every reply in full: {@code n} round trips, pipelined across connections,
 * one outstanding message per connection. {@link #verify(long)} checks the server returns every byte
 * of distinct random messages in order, and is called before anything is timed.
 *
 * <p>Blocking channels are interruptible: when JMH's iteration timeout interrupts a thread stuck in a
 * read, the channel closes and the benchmark fails instead of hanging.
 *
 * <p>Threading: confined to one thread.
 */
public final class EchoClient implements AutoCloseable {
    private final SocketChannel[] channels;
    private final int size;
    private final ByteBuffer send;
    private final ByteBuffer receive;

    /**
     * Connects {@code connections} sockets to {@code port} on the loopback address.
     *
     * @param port        the server's port
     * @param connections how many connections
     * @param size        the message size of {@link #roundTrips()}
     * @throws IOException if a connection fails
     */
    public EchoClient(int port, int connections, int size) throws IOException {
        this.size = size;
        this.channels = new SocketChannel[connections];
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            for (int i = 0; i < connections; i++) {
                channels[i] = SocketChannel.open(address);
                channels[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.send = ByteBuffer.allocateDirect(size);
        this.receive = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            send.put(i, (byte) (i * 31 + 7));
        }
    }

    /**
     * Sends one message on every connection, then reads every reply.
     *
     * @throws IOException if a connection fails or the server closes one
     */
    public void roundTrips() throws IOException {
        for (SocketChannel channel : channels) {
            send.clear();
            while (send.hasRemaining()) {
                channel.write(send);
            }
        }
        for (SocketChannel channel : channels) {
            receive.clear();
            while (receive.hasRemaining()) {
                if (channel.read(receive) < 0) {
                    throw new EOFException("echo server closed the connection mid-reply");
                }
            }
        }
        if (receive.get(size - 1) != send.get(size - 1)) {
            throw new IOException("echo reply's last byte differs from what was sent");
        }
    }

    /**
     * Sends distinct random messages of several sizes (1 byte, 1 byte over a page, the benchmark's
     * size, and a 3-message burst) on every connection at once and checks every byte of every reply.
     *
     * @param seed varies the content between calls
     * @throws IOException if a reply differs from what was sent, in length or content
     */
    public void verify(long seed) throws IOException {
        int[] lengths = {1, 4097, size, 3 * size};
        for (int length : lengths) {
            byte[][] sent = new byte[channels.length][length];
            for (int c = 0; c < channels.length; c++) {
                new SplittableRandom(seed * 1_000_003L + c * 7919L + length).nextBytes(sent[c]);
                ByteBuffer out = ByteBuffer.wrap(sent[c]);
                while (out.hasRemaining()) {
                    channels[c].write(out);
                }
            }
            for (int c = 0; c < channels.length; c++) {
                ByteBuffer in = ByteBuffer.allocate(length);
                while (in.hasRemaining()) {
                    if (channels[c].read(in) < 0) {
                        throw new IOException("verification: connection " + c + " closed after "
                                + in.position() + " of " + length + " bytes");
                    }
                }
                if (!Arrays.equals(in.array(), sent[c])) {
                    int at = Arrays.mismatch(in.array(), sent[c]);
                    throw new IOException("verification: connection " + c + " returned different bytes for a "
                            + length + "-byte message, first difference at byte " + at);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SocketChannel channel : channels) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
