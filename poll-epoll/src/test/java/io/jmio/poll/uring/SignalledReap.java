package io.jmio.poll.uring;

import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Assumptions;

/**
 * A reap on a thread of its own that the test thread signals ({@code SIGPIPE}, which HotSpot ignores,
 * through {@code tgkill}) every few milliseconds until it returns: each signal that lands in the kernel
 * wait ends it with {@code EINTR}, as a profiler's or a debugger's would.
 *
 * <p>Threading: {@link #run} from the test thread.
 */
final class SignalledReap {
    /** {@code gettid} and {@code tgkill} through {@code syscall(2)}, to signal one thread. */
    public interface Signals {
        long syscall(long number);

        long syscall(long number, long a1, long a2, long a3);

        int getpid();
    }

    private static final int SIGPIPE = 13;

    /** What the reap returned, and how many signals it was sent. */
    record Result(int reaped, int signals) {
    }

    private SignalledReap() {
    }

    /**
     * @return the reap's result and the signals sent (skips the test on an architecture whose system call
     *         numbers are not known here)
     * @throws AssertionError if the reap threw
     */
    static Result run(CompletionQueue q, Completions c, long timeoutNanos) throws InterruptedException {
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(arch.equals("amd64") || arch.equals("aarch64"), "syscall numbers for " + arch);
        long sysGettid = arch.equals("amd64") ? 186 : 178;
        long sysTgkill = arch.equals("amd64") ? 234 : 131;
        Signals sig = LibraryLoader.create(Signals.class).load("libc.so.6");
        AtomicInteger tid = new AtomicInteger();
        AtomicInteger reaped = new AtomicInteger(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reaper = new Thread(() -> {
            tid.set((int) sig.syscall(sysGettid));
            try {
                reaped.set(q.reap(c, timeoutNanos));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "reaper");
        reaper.start();
        int sent = 0;
        while (reaper.isAlive()) {
            if (tid.get() != 0) {
                sig.syscall(sysTgkill, sig.getpid(), tid.get(), SIGPIPE);
                sent++;
            }
            reaper.join(5);
        }
        if (failure.get() != null) {
            throw new AssertionError("reap threw after " + sent + " signals", failure.get());
        }
        return new Result(reaped.get(), sent);
    }
}
