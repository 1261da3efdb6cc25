package io.jmio.poll.completion;

import io.jmio.poll.spi.HandleGuard;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A queue as the owner of the sockets it has operations on: told of their close from any thread, it
 * keeps them on a lock-free stack and wakes the queue, whose next reap or submit cancels their
 * operations ({@link #cancel()}) with the backend's {@code prepCancelClosed}.
 *
 * <p>Threading: {@link #closed(HandleGuard)} from any thread; the rest on the queue's thread.
 */
final class ClosedSockets implements HandleGuard.Owner {
    /** One closed socket on the stack. */
    private static final class Node {
        final HandleGuard guard;
        Node next;

        Node(HandleGuard guard) {
            this.guard = guard;
        }
    }

    private final CompletionQueue queue;
    /** Sockets closed with operations of the queue in flight, pushed by any thread; popped by {@link #cancel()}. */
    private final AtomicReference<Node> closing = new AtomicReference<>();
    /** The socket the queue's {@code close(Guarded, long)} is closing: its own cancel is queued already. */
    private HandleGuard closingHere;

    ClosedSockets(CompletionQueue queue) {
        this.queue = queue;
    }

    /** @return whether sockets closed since the last {@link #cancel()} wait for it */
    boolean pending() {
        return closing.get() != null;
    }

    /** @param g the socket being closed by the queue itself, or null when that is done */
    void closingHere(HandleGuard g) {
        closingHere = g;
    }

    /**
     * Cancels the operations in flight on each socket closed since the last call. The descriptor
     * number is still this process's: each operation counted by the claim holds a reference, dropped
     * only when its completion is reaped, after the system call that submits the cancel.
     */
    void cancel() throws IOException {
        Node s = closing.getAndSet(null);
        while (s != null) {
            if (s.guard.claims(this) > 0) {
                try {
                    queue.prepCancelClosed(s.guard.handle());
                } catch (IOException | RuntimeException e) {
                    push(s); // the rest waits for the next reap
                    throw e;
                }
            }
            s = s.next;
        }
    }

    /** Forgets the sockets not yet cancelled: the queue is closed, and its close dropped their references. */
    void clear() {
        closing.set(null);
    }

    private void push(Node s) {
        Node last = s;
        while (last.next != null) {
            last = last.next;
        }
        Node head;
        do {
            head = closing.get();
            last.next = head;
        } while (!closing.compareAndSet(head, s));
    }

    @Override
    public void closed(HandleGuard guard) throws IOException {
        if (guard == closingHere || queue.isClosed()) {
            return; // close(Guarded, long) queued its own cancel; a closed queue holds nothing
        }
        push(new Node(guard));
        queue.wake();
    }

    @Override
    public String toString() {
        return queue.toString();
    }
}
