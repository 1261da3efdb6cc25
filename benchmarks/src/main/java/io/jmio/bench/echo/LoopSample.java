package io.jmio.bench.echo;

/**
 * One reading of an echo server's cost counters: the event-loop thread's CPU time (from
 * {@code /proc}) and the system calls the loop counted itself. A count the server cannot know is
 * {@link #UNKNOWN}; differences of two samples give the cost of what happened in between.
 *
 * <p>Threading: a plain mutable holder, used by one thread.
 */
public final class LoopSample {
    /** The value of a counter a server does not keep. */
    public static final long UNKNOWN = -1;

    /** On-CPU time of the loop thread in nanoseconds ({@code schedstat}). */
    public long cpuNanos;
    /** Time the loop thread spent runnable but waiting for a CPU, in nanoseconds ({@code schedstat}, field 2). */
    public long runQueueNanos;
    /** User time of the loop thread in clock ticks ({@code stat} field 14). */
    public long userTicks;
    /** System time of the loop thread in clock ticks ({@code stat} field 15). */
    public long systemTicks;
    /** Calls of the wait ({@code epoll_wait}, {@code select}). */
    public long waits = UNKNOWN;
    /** Read calls. */
    public long reads = UNKNOWN;
    /** Write calls. */
    public long writes = UNKNOWN;
    /** Registration changes ({@code epoll_ctl}, or interest-set changes for the JDK). */
    public long controls = UNKNOWN;
    /** Bytes the loop thread allocated on the Java heap. */
    public long allocatedBytes = UNKNOWN;

    /**
     * Sets this to {@code later - earlier}, keeping {@link #UNKNOWN} where either is unknown.
     *
     * @param later   the later sample
     * @param earlier the earlier sample
     */
    public void setDifference(LoopSample later, LoopSample earlier) {
        cpuNanos = later.cpuNanos - earlier.cpuNanos;
        runQueueNanos = later.runQueueNanos - earlier.runQueueNanos;
        userTicks = later.userTicks - earlier.userTicks;
        systemTicks = later.systemTicks - earlier.systemTicks;
        waits = diff(later.waits, earlier.waits);
        reads = diff(later.reads, earlier.reads);
        writes = diff(later.writes, earlier.writes);
        controls = diff(later.controls, earlier.controls);
        allocatedBytes = diff(later.allocatedBytes, earlier.allocatedBytes);
    }

    /**
     * Adds {@code other} to this, keeping {@link #UNKNOWN} where either is unknown.
     *
     * @param other a difference to add
     */
    public void add(LoopSample other) {
        cpuNanos += other.cpuNanos;
        runQueueNanos += other.runQueueNanos;
        userTicks += other.userTicks;
        systemTicks += other.systemTicks;
        waits = sum(waits, other.waits);
        reads = sum(reads, other.reads);
        writes = sum(writes, other.writes);
        controls = sum(controls, other.controls);
        allocatedBytes = sum(allocatedBytes, other.allocatedBytes);
    }

    /** Resets every counter to zero. */
    public void zero() {
        cpuNanos = runQueueNanos = userTicks = systemTicks = 0;
        waits = reads = writes = controls = allocatedBytes = 0;
    }

    private static long diff(long a, long b) {
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a - b;
    }

    private static long sum(long a, long b) {
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a + b;
    }
}
