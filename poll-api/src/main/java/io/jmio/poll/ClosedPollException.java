package io.jmio.poll;

/**
 * The {@link Poll} behind an operation is closed: thrown by {@link Poll#poll}, by every
 * {@link Registry} method and by {@link Waker#wake()} once {@link Poll#close()} has begun, including
 * to a thread that was blocked in {@code poll} when another thread closed it.
 *
 * <p>Threading: immutable once thrown.
 */
public final class ClosedPollException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what was attempted on the closed poll */
    public ClosedPollException(String message) {
        super(message);
    }
}
