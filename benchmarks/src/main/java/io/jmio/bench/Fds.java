package io.jmio.bench;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Raw descriptors for the micro-benchmarks' fixtures (the same kernel objects for jmio and Netty):
 * non-blocking Unix stream socket pairs, made idle or readable.
 *
 * <p>Threading: confined to the benchmark thread that made it.
 */
final class Fds implements AutoCloseable {
    private static final ByteBuffer ONE_BYTE = NativeMemory.allocate(1).put(0, (byte) 42);
    private static final long ONE_BYTE_ADDRESS = NativeMemory.address(ONE_BYTE);

    /** Both ends of every pair: {@code fds[2 * i]} and {@code fds[2 * i + 1]}. */
    final int[] fds;

    /**
     * @param pairs how many socket pairs
     * @throws IOException if the kernel refuses (for instance the descriptor limit)
     */
    Fds(int pairs) throws IOException {
        fds = new int[2 * pairs];
        java.util.Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < pairs; i++) {
                int[] pair = Posix.socketPair(Posix.SOCK_STREAM);
                fds[2 * i] = pair[0];
                fds[2 * i + 1] = pair[1];
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot open " + pairs + " socket pairs (ulimit -n is the usual cause)", e);
        }
    }

    /** @return the number of pairs */
    int pairs() {
        return fds.length / 2;
    }

    /**
     * Makes the first end of pair {@code i} readable by writing one byte into the second.
     *
     * @param i the pair
     * @throws IOException if the write fails
     */
    void makeReadable(int i) throws IOException {
        if (Posix.write(fds[2 * i + 1], ONE_BYTE_ADDRESS, 1) != 1) {
            throw new IOException("could not write a byte into socket pair " + i);
        }
    }

    @Override
    public void close() {
        for (int fd : fds) {
            if (fd >= 0) {
                try {
                    Posix.close(fd);
                } catch (IOException e) {
                    // fixture teardown: a descriptor that is already gone changes no result
                }
            }
        }
    }
}
