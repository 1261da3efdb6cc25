package io.jmio.poll.epoll.reliability;

import java.nio.ByteBuffer;

/**
 * The bytes one test connection carries: a 16-byte header (seed, body length; big-endian) followed by
 * a body whose byte at each position is a pure function of the seed and the position, so that either
 * end can regenerate and check any slice without keeping a copy. A lost, duplicated or reordered byte
 * shows up at the first position where it differs.
 *
 * <p>Threading: stateless.
 */
final class SeededStream {
    /** Size of the header: the seed and the body length, 8 bytes each. */
    static final int HEADER = 16;

    private SeededStream() {
    }

    /** @return the byte at {@code position} of the whole stream (header included) */
    static byte at(long seed, long bodyLength, long position) {
        if (position < 8) {
            return (byte) (seed >>> (56 - 8 * position));
        }
        if (position < HEADER) {
            return (byte) (bodyLength >>> (56 - 8 * (position - 8)));
        }
        return body(seed, position - HEADER);
    }

    /** @return the body byte at {@code position} (SplitMix64 of the seed and the position's word) */
    static byte body(long seed, long position) {
        long z = seed + ((position >>> 3) + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (byte) (z >>> ((position & 7) << 3));
    }

    /** Puts the stream's bytes from {@code position} into {@code dst}, from index 0 to {@code length}. */
    static void fill(long seed, long bodyLength, long position, ByteBuffer dst, int length) {
        for (int i = 0; i < length; i++) {
            dst.put(i, at(seed, bodyLength, position + i));
        }
    }

    /**
     * Checks {@code length} bytes of {@code src} (from index 0) against the stream at {@code position}.
     *
     * @return -1 if all match, else the stream position of the first mismatch
     */
    static long mismatch(long seed, long bodyLength, long position, ByteBuffer src, int length) {
        for (int i = 0; i < length; i++) {
            if (src.get(i) != at(seed, bodyLength, position + i)) {
                return position + i;
            }
        }
        return -1;
    }
}
