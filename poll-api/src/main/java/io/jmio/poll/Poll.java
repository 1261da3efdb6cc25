package io.jmio.poll;

import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The event queue: waits for readiness events on registered {@link Source}s, as mio's {@code Poll}.
 *
 * <p>{@link #open()} picks the backend for the running OS (epoll on Linux, kqueue on macOS and the
 * BSDs, IOCP on Windows) from the backend modules on the class path, by {@link PollBackend#priority()}
 * when several support the OS (io_uring, also on Linux, is chosen only by name); {@link #open(String)} picks one by
 * name. Sources are registered through {@link #registry()}; {@link #poll(Events, Duration)} waits for
 * their events.
 *
 * <pre>{@code
 * try (Poll poll = Poll.open()) {
 *     Events events = Events.withCapacity(128);
 *     poll.registry().register(source, Token.of(0), Interest.READABLE);
 *     poll.poll(events, Duration.ofSeconds(1));
 *     for (Event event : events) {
 *         // drain the source until it would block: registrations are edge-triggered by default
 *     }
 * }
 * }</pre>
 *
 * <p><b>Spurious events.</b> A poll may report an event for a source that is not ready after all, and
 * may return before its timeout with no event (for instance when a signal interrupts the wait:
 * {@code EINTR} is not an error, the poll just returns empty). Treat events as hints and let the
 * source's operations, which answer "would block" without blocking, have the final word.
 *
 * <p><b>Draining readiness.</b> With the default {@link Trigger#EDGE} mode an event is reported once per
 * change to ready: read (or write, or accept) until the operation says it would block before expecting
 * another event for that source.
 *
 * <p>Threading: {@link #poll} is confined to one thread at a time (the owner): a second thread that
 * calls it while the owner is inside gets an {@link IllegalStateException}; {@link #registry()} and
 * {@link #close()} may be used from any thread. A close from another thread makes a blocked
 * {@code poll} return promptly with a {@link ClosedPollException}.
 *
 * <p>Close it: a Poll that becomes unreachable unclosed is closed by a {@link Cleaner} as a safety
 * net (its kernel queue and eventfd are not leaked), at a time of the garbage collector's choosing.
 */
public final class Poll implements Closeable {
    /** System property that overrides the backend {@link #open()} picks, e.g. {@code -Djmio.backend=epoll}. */
    public static final String BACKEND_PROPERTY = "jmio.backend";

    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE - 1;

    private final Selector selector;
    private final Registry registry;
    /** Closes the selector if this poll becomes unreachable unclosed (review D12); run once by {@link #close()}. */
    private final Cleaner.Cleanable cleanable;

    private Poll(Selector selector) {
        this.selector = selector;
        this.registry = new Registry(selector);
        this.cleanable = Cleaning.CLEANER.register(this, new CloseSelector(selector));
    }

    /** One cleaner thread for every Poll, started with the first. */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** The safety net's action: it must not reach the Poll, only its selector. */
    private static final class CloseSelector implements Runnable {
        private final Selector selector;

        CloseSelector(Selector selector) {
            this.selector = selector;
        }

        @Override
        public void run() {
            try {
                selector.close(); // idempotent: after an explicit close this returns at once
            } catch (IOException e) {
                // Nobody is left to tell (the Poll was dropped unclosed); the kernel queue is freed regardless.
            }
        }
    }

    /**
     * Opens a poll on the backend for the running OS, or on the one named by the
     * {@value #BACKEND_PROPERTY} system property when it is set.
     *
     * @return a new poll
     * @throws IOException if no backend on the class path supports this OS, if the backend cannot load
     *                     its native library, or if the kernel refuses to create the queue
     */
    public static Poll open() throws IOException {
        String forced = System.getProperty(BACKEND_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return open(forced.trim());
        }
        List<String> seen = new ArrayList<>();
        PollBackend best = null;
        for (PollBackend backend : backends()) {
            seen.add(backend.name());
            if (backend.supportsCurrentOs() && (best == null || backend.priority() > best.priority()
                    || backend.priority() == best.priority() && backend.name().compareTo(best.name()) < 0)) {
                best = backend;
            }
        }
        if (best != null) {
            return open(best);
        }
        throw new IOException("no jmio backend supports this OS (os.name=" + System.getProperty("os.name")
                + ", os.arch=" + System.getProperty("os.arch") + "); backends on the class path: " + seen
                + ". Add io.jmio:poll-epoll (Linux), poll-kqueue (macOS, BSD) or poll-iocp (Windows).");
    }

    /**
     * Opens a poll on the backend with this name ({@code epoll}, {@code kqueue}, {@code iocp}, {@code io_uring}).
     *
     * @param backendName the backend's name, case-insensitive
     * @return a new poll
     * @throws IOException if no such backend is on the class path, it cannot run here, or the kernel
     *                     refuses to create the queue
     */
    public static Poll open(String backendName) throws IOException {
        Objects.requireNonNull(backendName, "backendName");
        List<String> seen = new ArrayList<>();
        for (PollBackend backend : backends()) {
            seen.add(backend.name());
            if (backend.name().equalsIgnoreCase(backendName)) {
                return open(backend);
            }
        }
        throw new IOException("no jmio backend named '" + backendName.toLowerCase(Locale.ROOT)
                + "' on the class path; found " + seen);
    }

    /**
     * The backends on jmio's own class loader; where it finds none (jmio loaded by a parent loader,
     * the backend modules by a child, as in some application servers) those of the thread's context
     * class loader.
     */
    static List<PollBackend> backends() {
        List<PollBackend> found = new ArrayList<>();
        ServiceLoader.load(PollBackend.class, Poll.class.getClassLoader()).forEach(found::add);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (found.isEmpty() && context != null && context != Poll.class.getClassLoader()) {
            ServiceLoader.load(PollBackend.class, context).forEach(found::add);
        }
        return found;
    }

    /**
     * Opens a poll on the given backend; for tests and for backends found by other means than
     * {@link ServiceLoader}.
     *
     * @param backend the backend
     * @return a new poll
     * @throws IOException if the backend is unavailable or the kernel refuses to create the queue
     */
    public static Poll open(PollBackend backend) throws IOException {
        Objects.requireNonNull(backend, "backend");
        Throwable cause = backend.unavailabilityCause();
        if (cause != null) {
            throw new IOException("jmio backend '" + backend.name() + "' is unavailable on " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + ": " + cause.getMessage(), cause);
        }
        return new Poll(backend.openSelector());
    }

    /** @return the registry of this poll, to share with other threads */
    public Registry registry() {
        return registry;
    }

    /** @return the name of the backend, e.g. {@code epoll} */
    public String backendName() {
        return selector.backendName();
    }

    /**
     * Waits for readiness events and puts them in {@code events}, replacing what it held.
     *
     * @param events  where to put the events; its capacity bounds how many one call returns
     * @param timeout how long to wait: {@code null} waits until an event arrives, {@link Duration#ZERO}
     *                asks the kernel once and returns at once; a timeout with a fraction of a
     *                millisecond is honoured where the kernel takes finer timeouts (epoll on Linux 5.11+,
     *                through {@code epoll_pwait2}) and rounded up where it counts in milliseconds, never
     *                down to a busy spin
     * @return the number of events, also {@link Events#size()}; 0 on timeout or interruption by a signal
     * @throws IOException              if the kernel reports an error
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ClosedPollException      if the poll is closed, also when closed by another thread while
     *                                  this one waited
     */
    public int poll(Events events, Duration timeout) throws IOException {
        Objects.requireNonNull(events, "events");
        long timeoutNanos = toNanos(timeout);
        events.clear();
        int n = selector.select(events.bufferFor(selector), timeoutNanos);
        events.setSize(n);
        Reference.reachabilityFence(this); // not collectable (and so not cleaned) while a thread polls it
        return n;
    }

    /**
     * Closes the poll and every resource of its backend. Registered sources are not closed. A thread
     * blocked in {@link #poll} returns with a {@link ClosedPollException}; the call waits for it (and
     * for registry calls under way in other threads) to leave the kernel before freeing the queue, so
     * no descriptor is reused under them. Closing a closed poll does nothing.
     *
     * @throws IOException if the kernel reports an error closing the queue (it is closed regardless)
     */
    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            cleanable.clean(); // unregisters the safety net (its action finds the selector closed)
        }
    }

    /** @return true once {@link #close()} has begun */
    public boolean isClosed() {
        return selector.isClosed();
    }

    static long toNanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("poll timeout must not be negative: " + timeout);
        }
        long seconds = timeout.getSeconds();
        if (seconds >= MAX_TIMEOUT_NANOS / 1_000_000_000L) {
            return MAX_TIMEOUT_NANOS;
        }
        return seconds * 1_000_000_000L + timeout.getNano();
    }

    @Override
    public String toString() {
        return "Poll(" + selector + ")";
    }
}
