package io.jmio.poll;

/**
 * Associates readiness events with the {@link Source} (or {@link Waker}) they belong to.
 *
 * <p>A token is a plain 64-bit number chosen by the caller when it registers a source. The kernel
 * carries it back unchanged in its user-data field ({@code epoll_event.data}, {@code kevent.udata},
 * the completion key on Windows), so dispatching an event needs no map lookup: {@link Event#token()}
 * returns the same number as a primitive {@code long}, which allocates nothing.
 *
 * <pre>{@code
 * static final Token SERVER = Token.of(0);
 * ...
 * for (Event event : events) {
 *     if (event.token() == SERVER.value()) { accept(); } else { serve(event.token()); }
 * }
 * }</pre>
 *
 * <p>Threading: immutable and safe to share between threads.
 */
public final class Token {
    private static final Token[] SMALL = new Token[256];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = new Token(i);
        }
    }

    private final long value;

    private Token(long value) {
        this.value = value;
    }

    /**
     * Returns the token for {@code value}. Any 64-bit value is allowed; values 0 to 255 are cached.
     *
     * @param value the number the kernel hands back with each event
     * @return the token
     */
    public static Token of(long value) {
        return value >= 0 && value < SMALL.length ? SMALL[(int) value] : new Token(value);
    }

    /** @return the 64-bit value of this token, as {@link Event#token()} reports it */
    public long value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Token && ((Token) other).value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return "Token(" + value + ")";
    }
}
