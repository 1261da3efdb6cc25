package io.jmio.poll.iocp;

import io.jmio.poll.Trigger;

/**
 * The registration of one socket: what it wants, what the pending AFD poll asks for, and where its
 * kernel-visible memory is. One per slot of {@link SocketTable}, reused when the slot is.
 *
 * <p><b>Poll status.</b>
 * <pre>
 *              submit                 completion packet
 *   IDLE ------------------> PENDING -----------------------> IDLE
 *    ^                          |                              (events decoded, maybe re-submitted)
 *    |                          | cancel (interest grew, or deregistered)
 *    |     completion packet    v
 *    +-------------------- CANCELLED
 * </pre>
 * A slot whose poll is {@code PENDING} or {@code CANCELLED} owns a request in the kernel, which will
 * write the status block and poll info and queue exactly one packet; only when that packet has been
 * dequeued is the slot {@code IDLE} and its memory free for reuse. A deregistered socket with a poll in
 * flight is marked {@link #deletePending} and freed when the packet arrives.
 *
 * <p><b>Interest.</b> {@link #armed} is the AFD mask the socket should be polled for now. A report
 * clears the reported bits for {@link Trigger#EDGE} (until {@link #rearm}), clears all of them for
 * {@link Trigger#ONESHOT} (until re-registered), and clears nothing for {@link Trigger#LEVEL}, so that
 * the next poll reports the same readiness again if it is still there.
 *
 * <p>Threading: guarded by the selector's lock.
 */
final class SocketState {
    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int CANCELLED = 2;

    /** This slot's index in the table. */
    final int index;
    /** Address of this slot's {@code IO_STATUS_BLOCK}. */
    final long ioStatusBlock;
    /** Address of this slot's {@code AFD_POLL_INFO}. */
    final long pollInfo;

    /** Bumped each time the slot is freed; part of the APC context, so stale packets are recognised. */
    int generation = 1;
    boolean inUse;
    long socket;
    long baseSocket;
    long token;
    int interests;
    /** The AFD mask of the registered interest. */
    int registered;
    /** The AFD mask to poll for now. */
    int armed;
    Trigger trigger = Trigger.EDGE;
    int status = IDLE;
    /** The AFD mask the pending poll asked for. */
    int pendingMask;
    boolean deletePending;
    /** The socket was closed (AFD_POLL_LOCAL_CLOSE): never polled again. */
    boolean closed;
    /** A poll could not be submitted; an error event is owed. */
    boolean failed;
    /** A poll failed (to start or in the kernel): none is submitted again until re-registered. */
    boolean halted;
    /** The slot's index is in the update queue (survives {@link #free()}, see there). */
    boolean queued;
    AfdGroup.Afd afd;

    SocketState(int index, long ioStatusBlock, long pollInfo) {
        this.index = index;
        this.ioStatusBlock = ioStatusBlock;
        this.pollInfo = pollInfo;
    }

    /** @return the APC context of this slot's polls: generation and index */
    long reference() {
        return ((long) generation << 32) | index;
    }

    static int indexOf(long reference) {
        return (int) reference;
    }

    static int generationOf(long reference) {
        return (int) (reference >>> 32);
    }

    /** Takes a free slot for a new registration. */
    void open(long socket, long baseSocket, AfdGroup.Afd afd) {
        assert !inUse && status == IDLE;
        this.inUse = true;
        this.socket = socket;
        this.baseSocket = baseSocket;
        this.afd = afd;
        this.deletePending = false;
        this.closed = false;
        this.failed = false;
        this.halted = false;
    }

    /** Sets token, interest and trigger, as a (re)registration does; everything is armed again. */
    void set(long token, int interests, int afdMask, Trigger trigger) {
        this.token = token;
        this.interests = interests;
        this.registered = afdMask;
        this.armed = closed ? 0 : afdMask;
        this.trigger = trigger;
        this.failed = false;
        this.halted = false;
    }

    /**
     * Arms again the bits of {@code afdMask} that are registered (after an I/O call would block).
     *
     * @return true if something was re-armed for an edge-triggered registration
     */
    boolean rearm(int afdMask) {
        if (trigger != Trigger.EDGE || closed) {
            return false;
        }
        int before = armed;
        armed |= afdMask & registered;
        return armed != before;
    }

    /**
     * @return true if an AFD poll should be started now: whenever none is in flight for a live
     *         registration, even with nothing armed, so that a {@code LOCAL_CLOSE}-only poll keeps
     *         watching for the socket's close (as mio's {@code SockState::update} and wepoll's
     *         {@code sock_feed_event}, "always keep looking for closed sockets")
     */
    boolean needsSubmit() {
        return status == IDLE && !deletePending && !closed && !failed && !halted;
    }

    /**
     * @return true if the pending poll must be cancelled: the socket was deregistered, or it now wants
     *         a bit the pending poll does not ask for (a poll that asks for more is left alone; it may
     *         complete with a bit nobody wants, which is then dropped and the socket polled again)
     */
    boolean needsCancel() {
        return status == PENDING && (deletePending || (armed & AfdEvents.KNOWN & ~pendingMask) != 0);
    }

    /** @return the mask to submit: what is armed, and always {@code LOCAL_CLOSE} */
    int submitMask() {
        return armed | AfdEvents.LOCAL_CLOSE;
    }

    void submitted(int mask) {
        status = PENDING;
        pendingMask = mask;
    }

    void cancelRequested() {
        status = CANCELLED;
    }

    /**
     * A poll could not be started: disarm, and owe an error event.
     *
     * @param socketGone the handle is invalid: the socket was closed without being deregistered, so
     *                   the registration is dead (and its handle value may be registered anew)
     */
    void submitFailed(boolean socketGone) {
        failed = true;
        halted = true;
        armed = 0;
        closed |= socketGone;
    }

    /**
     * Digests the completion of this slot's poll.
     *
     * @param ntStatus        the status block's {@code Status}
     * @param numberOfHandles the poll info's {@code NumberOfHandles}
     * @param afdEvents       {@code Handles[0].Events}
     * @return the AFD bits to report, 0 for none
     */
    int completed(int ntStatus, int numberOfHandles, int afdEvents) {
        status = IDLE;
        pendingMask = 0;
        if (deletePending || ntStatus == WindowsErrors.STATUS_CANCELLED) {
            return 0;
        }
        int report;
        if (!WindowsErrors.isSuccess(ntStatus)) {
            // The poll itself failed: report an error once and stop polling until re-registered, or
            // the same failure would repeat at every wait.
            armed = 0;
            halted = true;
            return AfdEvents.POLL_FAILED;
        } else if (numberOfHandles < 1) {
            return 0;
        } else if ((afdEvents & AfdEvents.LOCAL_CLOSE) != 0) {
            closed = true;
            armed = 0;
            return 0;
        } else {
            report = afdEvents & armed;
        }
        if (report == 0) {
            return 0;
        }
        if (trigger == Trigger.EDGE) {
            armed &= ~report;
        } else if (trigger == Trigger.ONESHOT) {
            armed = 0;
        }
        return report;
    }

    /** Returns the slot to the free list: the next user sees a new generation. */
    void free() {
        assert status == IDLE;
        inUse = false;
        generation = generation == Integer.MAX_VALUE ? 1 : generation + 1;
        socket = 0;
        baseSocket = 0;
        afd = null;
        armed = 0;
        registered = 0;
        deletePending = false;
        closed = false;
        failed = false;
        halted = false;
        // queued stays: the slot's index may still be in the update queue, which skips free slots and
        // serves the slot's next user, so a register/deregister cycle never grows the queue.
    }

    @Override
    public String toString() {
        return "SocketState(slot " + index + ", socket " + socket + ", token " + token + ", armed "
                + AfdEvents.toString(armed) + ", " + (status == IDLE ? "idle" : status == PENDING ? "pending" : "cancelled")
                + (deletePending ? ", delete pending" : "") + (closed ? ", closed" : "") + ")";
    }
}
