package io.jmio.poll.uring;

import java.util.Arrays;

/**
 * The registered descriptors of one io_uring selector, indexed by descriptor number in primitive
 * arrays (which grow, rarely, to the highest descriptor registered), and the queue of submissions the
 * owner writes at its next select.
 *
 * <p>Why it exists: poll requests report errors and cancellations as completions, later, and in
 * another thread; what the registry must answer at once (register twice: {@code EEXIST}; reregister or
 * deregister an unknown source: {@code ENOENT}) is kept here, as the kqueue backend's registration
 * table does. Per descriptor it holds the trigger mode, the poll events, the token, the identity of
 * the open file ({@code st_dev}, {@code st_ino}: a descriptor closed while registered and its number
 * reused is told apart from the file that was registered), the generation of the current arming
 * ({@link UserData}), and the state bits below.
 *
 * <p>Threading: not thread-safe; {@link UringSelector} guards it with its lock.
 */
final class Registrations {
    static final int EDGE = 1;
    static final int LEVEL = 2;
    static final int ONESHOT = 3;

    /** A poll request of the current generation exists in the kernel, or its entry is written. */
    static final int LIVE = 1;
    /** An oneshot registration has reported its event; it stays silent until reregistered. */
    static final int DISARMED = 1 << 1;
    /** An {@link #ADD} for this descriptor waits in the queue. Survives {@link #remove}. */
    static final int ADD_QUEUED = 1 << 2;
    /** An {@link #UPDATE} waits in the queue. Survives {@link #remove}. */
    static final int UPDATE_QUEUED = 1 << 3;

    /** Queued work: arm a poll request (by descriptor number) for the current generation. */
    static final int ADD = 0;
    /**
     * Queued work: bring the live request (found by user_data) to the current generation and events,
     * arming it again on its file, so readiness present now is reported again.
     */
    static final int UPDATE = 1;

    private int[] mode = new int[0];
    private int[] state = new int[0];
    private int[] generation = new int[0];
    private int[] events = new int[0];
    private long[] token = new long[0];
    private long[] dev = new long[0];
    private long[] ino = new long[0];
    /** The generation of the user_data the kernel's request carries, once the entries written apply. */
    private int[] kernelGen = new int[0];
    /** The kernel's generation before the last update written, which it keeps if the update fails. */
    private int[] previousKernelGen = new int[0];
    /** The submission tail once the descriptor's last POLL_ADD or update entry was written. */
    private int[] writtenTail = new int[0];
    /** The select (its reap number) that last reported the descriptor, and the slot of that event. */
    private int[] reportedIn = new int[0];
    private int[] reportedAt = new int[0];
    private int size;

    private long[] queue = new long[64];
    private int queued;

    boolean has(int fd) {
        return fd < mode.length && mode[fd] != 0;
    }

    /** @return true if a completion of {@code gen} belongs to {@code fd}'s current registration */
    boolean current(int fd, int gen) {
        return has(fd) && (generation[fd] & UserData.GENERATION_MASK) == gen;
    }

    int size() {
        return size;
    }

    int mode(int fd) {
        return mode[fd];
    }

    int events(int fd) {
        return events[fd];
    }

    long token(int fd) {
        return token[fd];
    }

    int generation(int fd) {
        return generation[fd];
    }

    int writtenTail(int fd) {
        return writtenTail[fd];
    }

    int kernelGen(int fd) {
        return kernelGen[fd];
    }

    int previousKernelGen(int fd) {
        return previousKernelGen[fd];
    }

    /** The update written last for {@code fd} failed: the kernel's request kept its previous user_data. */
    void updateFailed(int fd) {
        kernelGen[fd] = previousKernelGen[fd];
    }

    boolean is(int fd, int bit) {
        return (state[fd] & bit) != 0;
    }

    void set(int fd, int bit) {
        state[fd] |= bit;
    }

    void clear(int fd, int bit) {
        state[fd] &= ~bit;
    }

    boolean sameFile(int fd, long fileDev, long fileIno) {
        return dev[fd] == fileDev && ino[fd] == fileIno;
    }

    /** Registers {@code fd}, or replaces its registration, under the next generation. */
    void put(int fd, int newMode, int newEvents, long newToken, long fileDev, long fileIno) {
        if (fd >= mode.length) {
            grow(fd);
        }
        if (mode[fd] == 0) {
            size++;
        }
        mode[fd] = newMode;
        events[fd] = newEvents;
        token[fd] = newToken;
        dev[fd] = fileDev;
        ino[fd] = fileIno;
        generation[fd]++;
        state[fd] &= ADD_QUEUED | UPDATE_QUEUED | LIVE;
    }

    /** Replaces {@code fd}'s mode, events and token under the next generation; the file stays the registered one. */
    void reregister(int fd, int newMode, int newEvents, long newToken) {
        put(fd, newMode, newEvents, newToken, dev[fd], ino[fd]);
    }

    /** Forgets {@code fd}; its generation moves on so that completions still on their way are stale. */
    void remove(int fd) {
        if (!has(fd)) {
            return;
        }
        mode[fd] = 0;
        generation[fd]++;
        state[fd] &= ADD_QUEUED | UPDATE_QUEUED;
        size--;
    }

    /** A POLL_ADD of the current generation was written; the submission tail is now {@code tail}. */
    void wroteAdd(int fd, int tail) {
        writtenTail[fd] = tail;
        kernelGen[fd] = generation[fd];
        previousKernelGen[fd] = generation[fd];
        state[fd] |= LIVE;
    }

    /** An update to the current generation was written; the submission tail is now {@code tail}. */
    void wroteUpdate(int fd, int tail) {
        writtenTail[fd] = tail;
        previousKernelGen[fd] = kernelGen[fd];
        kernelGen[fd] = generation[fd];
    }

    private void grow(int fd) {
        int n = Math.max(64, Integer.highestOneBit(fd) << 1);
        mode = Arrays.copyOf(mode, n);
        state = Arrays.copyOf(state, n);
        generation = Arrays.copyOf(generation, n);
        events = Arrays.copyOf(events, n);
        token = Arrays.copyOf(token, n);
        dev = Arrays.copyOf(dev, n);
        ino = Arrays.copyOf(ino, n);
        kernelGen = Arrays.copyOf(kernelGen, n);
        previousKernelGen = Arrays.copyOf(previousKernelGen, n);
        writtenTail = Arrays.copyOf(writtenTail, n);
        reportedIn = Arrays.copyOf(reportedIn, n);
        reportedAt = Arrays.copyOf(reportedAt, n);
    }

    /**
     * @return the slot of {@code fd}'s event in the select numbered {@code reap}, or -1 if it has none
     *         there (a second completion for it is merged into that event, as epoll reports a
     *         descriptor once per wait)
     */
    int reportedSlot(int fd, int reap) {
        return reportedIn[fd] == reap ? reportedAt[fd] : -1;
    }

    void reported(int fd, int reap, int slot) {
        reportedIn[fd] = reap;
        reportedAt[fd] = slot;
    }

    // ---- the queue of work for the owner's next select ------------------------------------------

    /** Queues {@code work} ({@link #ADD} or {@link #UPDATE}) unless it is already queued for {@code fd}. */
    void enqueue(int fd, int work) {
        int bit = work == ADD ? ADD_QUEUED : UPDATE_QUEUED;
        if ((state[fd] & bit) != 0) {
            return;
        }
        state[fd] |= bit;
        if (queued == queue.length) {
            queue = Arrays.copyOf(queue, queued * 2);
        }
        queue[queued++] = ((long) work << 32) | fd;
    }

    int queued() {
        return queued;
    }

    /** @return queue entry {@code i}: the work in the high half, the descriptor in the low half */
    long queuedAt(int i) {
        return queue[i];
    }

    /** Drops the first {@code n} entries (the ones written), keeping the rest in order. */
    void dequeue(int n) {
        System.arraycopy(queue, n, queue, 0, queued - n);
        queued -= n;
    }
}
