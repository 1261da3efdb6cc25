package io.jmio.poll.uring;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.CompletionBackend;

import java.io.IOException;

/**
 * The io_uring completion backend, found by {@link java.util.ServiceLoader}:
 * {@code CompletionQueue.open("io_uring")}. Available where {@link UringBackend} is (Linux 6.0 or
 * later, io_uring allowed), the same probe deciding; multishot accept (5.19), cancellation by
 * descriptor (5.19), provided buffer rings (5.19) and multishot receive (6.0) fall inside that. A
 * kernel that refuses the buffer-ring registration all the same ({@code EINVAL}) makes
 * {@code bufferRing} throw {@link UnsupportedOperationException} saying so.
 *
 * <p>Threading: thread-safe; stateless.
 */
public final class UringCompletionBackend implements CompletionBackend {
    /** For {@link java.util.ServiceLoader}. */
    public UringCompletionBackend() {
    }

    @Override
    public String name() {
        return UringBackend.NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    @Override
    public Throwable unavailabilityCause() {
        return new UringBackend().unavailabilityCause();
    }

    @Override
    public CompletionQueue open(int entries) throws IOException {
        return UringCompletionQueue.create(entries);
    }

    /**
     * Opens a queue whose ring runs the kernel's completion work ("task work": the part of a recv or send
     * that finishes on the submitting thread once the socket is ready) as {@code taskRun} says. An opt-in
     * of this backend: {@link CompletionQueue#open(String, int)} gives {@link TaskRun#COOPERATIVE}, which
     * binds the queue to no thread; a loop that opens, submits and reaps its queue on one thread does
     * better with {@link TaskRun#DEFERRED} (measured on the echo server, 64 B: 6634 against 7641 ns of
     * loop CPU per round trip at 16 connections, 5335 against 6610 at 256).
     *
     * @param entries the submission queue's size, as {@link #open(int)}
     * @param taskRun the task-running mode; {@link TaskRun#DEFERRED} binds the queue to the calling thread
     * @return a new queue
     * @throws IOException if the kernel refuses ({@code EINVAL} from {@code io_uring_setup}: a kernel older
     *                     than the mode needs)
     */
    public CompletionQueue open(int entries, TaskRun taskRun) throws IOException {
        return UringCompletionQueue.create(entries, taskRun);
    }

    /**
     * How an io_uring completion queue's ring runs task work, chosen when it is created.
     *
     * <p>Threading: an immutable constant.
     */
    public enum TaskRun {
        /**
         * The kernel's default: task work interrupts the submitting thread wherever it runs (a signal-like
         * notification), and runs before it returns to user space.
         */
        DEFAULT(0),
        /**
         * {@code IORING_SETUP_COOP_TASKRUN} (Linux 5.19): task work waits until the thread next enters the
         * kernel, without interrupting it; a loop that is always either reaping or handling completions
         * loses nothing by it.
         */
        COOPERATIVE(UringNative.IORING_SETUP_COOP_TASKRUN),
        /**
         * {@code IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN} (Linux 6.1): task work is queued
         * and run only when the queue's thread reaps ({@code io_uring_enter} with
         * {@code IORING_ENTER_GETEVENTS}), in batches. The ring accepts submissions only from the thread
         * that created it: open the queue on the thread that will submit and reap, and do both only there
         * ({@code io_uring_enter} from another thread fails with {@code EEXIST}).
         */
        DEFERRED(UringNative.IORING_SETUP_SINGLE_ISSUER | UringNative.IORING_SETUP_DEFER_TASKRUN);

        final int setupFlags;

        TaskRun(int setupFlags) {
            this.setupFlags = setupFlags;
        }
    }
}
