package io.jmio.poll.completion;

/**
 * A reusable array of completions, filled by {@link CompletionQueue#reap}: the flyweight of the
 * completion model, as {@link io.jmio.poll.Events} is of the readiness one. Each completion is read by
 * index: its {@link #token(int) token} (the one its operation was submitted with), its
 * {@link #result(int) result} (bytes, a descriptor, or a negative errno) and its {@link #flags(int)
 * flags}. Reaping overwrites the previous contents; nothing here allocates after construction.
 *
 * <p>Threading: not thread-safe; owned by the thread that reaps into it.
 */
public final class Completions {
    /** A completion flag: the operation (a multishot accept or receive) stays armed and will complete again. */
    public static final int MORE = 1 << 1;
    /**
     * A completion flag: the kernel received into a buffer of a {@link BufferRing}, whose id
     * {@link #bufferId(int)} reads (from bits 16 to 31 of the flags).
     */
    public static final int BUFFER = 1;
    static final int BUFFER_SHIFT = 16;

    final long[] tokens;
    final int[] results;
    final int[] flags;
    int size;
    CompletionQueue from;

    /**
     * @param capacity the most completions one {@link CompletionQueue#reap} returns
     */
    public Completions(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        tokens = new long[capacity];
        results = new int[capacity];
        flags = new int[capacity];
    }

    /** @return the completions reaped last */
    public int size() {
        return size;
    }

    /** @return the capacity */
    public int capacity() {
        return tokens.length;
    }

    /**
     * @param i an index below {@link #size()}
     * @return the token its operation was submitted with
     */
    public long token(int i) {
        check(i);
        return tokens[i];
    }

    /**
     * @param i an index below {@link #size()}
     * @return the result: for recv and send the bytes moved (recv: 0 at end of stream; multishot
     *         receive: the bytes in buffer {@link #bufferId(int)}), for accept the
     *         new connection's descriptor (wrap it with {@code TcpStream.fromFd}), for cancel and close 0
     *         or the number of operations cancelled, for timeout 0; negative: {@code -errno}
     */
    public int result(int i) {
        check(i);
        return results[i];
    }

    /**
     * @param i an index below {@link #size()}
     * @return the completion's flags ({@link #MORE}, {@link #BUFFER} and the buffer id above bit 16)
     */
    public int flags(int i) {
        check(i);
        return flags[i];
    }

    /**
     * @param i an index below {@link #size()}
     * @return the id of the {@link BufferRing} buffer a {@link CompletionQueue#recvMultishot multishot
     *         receive} filled with {@link #result(int)} bytes (the application's until it recycles it),
     *         or -1 if the completion names none (end of stream, an error)
     */
    public int bufferId(int i) {
        int f = flags(i);
        return (f & BUFFER) != 0 ? f >>> BUFFER_SHIFT : -1;
    }

    /**
     * @param i an index below {@link #size()}
     * @return true if the operation stays armed (multishot)
     */
    public boolean more(int i) {
        return (flags(i) & MORE) != 0;
    }

    /**
     * @param i an index below {@link #size()}
     * @return true if the result is a negative errno
     */
    public boolean failed(int i) {
        return result(i) < 0;
    }

    /**
     * @param i an index below {@link #size()}
     * @return the errno's name of a failed completion ({@code ECONNRESET}, {@code ECANCELED},
     *         {@code ETIME}, ...), null if it succeeded; the names are interned constants
     */
    public String errnoName(int i) {
        int r = result(i);
        return r < 0 ? from.errnoName(-r) : null;
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("completion " + i + " of " + size);
        }
    }
}
