package io.jmio.poll.kqueue;

import io.jmio.poll.Interest;
import io.jmio.poll.Trigger;

import java.nio.ByteBuffer;

/**
 * The translation of jmio registrations into {@code kevent} change lists: pure functions, so the
 * rules can be tested on any OS.
 *
 * <p><b>Trigger modes.</b> {@link Trigger#EDGE} is {@code EV_CLEAR} (the filter's state is reset once
 * reported, as mio does); {@link Trigger#LEVEL} is no flag; {@link Trigger#ONESHOT} is
 * {@code EV_DISPATCH}, not {@code EV_ONESHOT}. Both report once; {@code EV_ONESHOT} then deletes the
 * filter while {@code EV_DISPATCH} only disables it. Keeping it means deregister and reregister find
 * the filter they expect (no {@code ENOENT} to excuse on delete, and so no way to mistake a filter
 * that fired for one that was never there), and re-arming is {@code EV_ENABLE} on the existing knote
 * instead of a new allocation in the kernel. Oneshot is per filter: read and write are two filters, so
 * a source registered for both may report one readable and one writable event before reregistering.
 *
 * <p><b>Filters.</b> {@link Interest#READABLE} adds {@code EVFILT_READ}, {@link Interest#WRITABLE}
 * {@code EVFILT_WRITE}. {@link Interest#AIO} and {@link Interest#LIO} add no filter: the kernel posts
 * those events when an AIO request names the kqueue in its {@code sigevent}; they are accepted on the
 * systems that have them. {@link Interest#PRIORITY} has no kqueue equivalent and is refused.
 *
 * <p><b>Reregistration</b> turns the old set of filters into the new one: filters no longer wanted
 * are deleted, wanted ones are added or modified ({@code EV_ADD | EV_ENABLE}, which also re-arms a
 * oneshot filter that fired), and a filter whose trigger mode changes is deleted and added again
 * because a modifying {@code EV_ADD} does not change {@code EV_CLEAR} or {@code EV_DISPATCH} of an
 * existing knote (FreeBSD's {@code kqueue_register} and xnu's {@code kevent_register} copy the flags
 * into the knote only when they create it). So the result equals a fresh registration. Every change
 * carries {@code EV_RECEIPT}, so the kernel answers each with its own result. A reregister's list
 * starts with a probe ({@link #encodeProbe}) that tells whether the descriptor was closed since it
 * was registered.
 *
 * <p>Threading: stateless.
 */
final class KeventChanges {
    /** Registration bits the kernel holds filters for. */
    static final int FILTER_BITS = Interest.READABLE_BIT | Interest.WRITABLE_BIT;
    /** The most changes one list holds: a probe, then delete and add for each of two filters. */
    static final int MAX_CHANGES = 5;

    private KeventChanges() {
    }

    /** @return the {@code EV_*} flags of a trigger mode */
    static int modeFlags(Trigger trigger) {
        switch (trigger) {
            case EDGE:
                return KqueueAbi.EV_CLEAR;
            case ONESHOT:
                return KqueueAbi.EV_DISPATCH;
            default:
                return 0;
        }
    }

    /**
     * @param abi       the system
     * @param interests interest bits
     * @return {@code interests}, checked
     * @throws UnsupportedOperationException for an interest kqueue or this system cannot express
     */
    static int validate(KqueueAbi abi, int interests) {
        if ((interests & Interest.PRIORITY_BIT) != 0) {
            throw new UnsupportedOperationException("the kqueue backend does not support " + Interest.ofBits(interests)
                    + ": PRIORITY (EPOLLPRI) exists on epoll only");
        }
        if ((interests & Interest.AIO_BIT) != 0 && abi.evfiltAio == KqueueAbi.NONE) {
            throw new UnsupportedOperationException("AIO interest needs EVFILT_AIO events, which " + abi.name
                    + " never posts to a kqueue");
        }
        if ((interests & Interest.LIO_BIT) != 0 && abi.evfiltLio == KqueueAbi.NONE) {
            throw new UnsupportedOperationException("LIO interest needs EVFILT_LIO, which exists on FreeBSD only, not on " + abi.name);
        }
        return interests;
    }

    /**
     * Writes the changes that turn the registration {@code (oldBits, oldTrigger)} of {@code fd} into
     * {@code (newBits, newTrigger)}: register is {@code oldBits = 0}, deregister {@code newBits = 0}.
     *
     * @param buffer     native memory with room for {@link #MAX_CHANGES} slots
     * @param start      the first slot to write
     * @return the slot after the last change written
     */
    static int encode(KqueueAbi abi, ByteBuffer buffer, int start, int fd, long token, int oldBits, Trigger oldTrigger,
            int newBits, Trigger newTrigger) {
        int n = start;
        n = encodeFilter(abi, buffer, n, fd, token, abi.evfiltRead, Interest.READABLE_BIT, oldBits, oldTrigger, newBits, newTrigger);
        n = encodeFilter(abi, buffer, n, fd, token, abi.evfiltWrite, Interest.WRITABLE_BIT, oldBits, oldTrigger, newBits, newTrigger);
        return n;
    }

    /**
     * Writes a probe: a change with no action flag for a filter the registration should have. The
     * kernel answers {@code ENOENT} if the filter is gone (the descriptor was closed since it was
     * registered, which drops its filters) or {@code EBADF} if the descriptor is closed now; else it
     * only rewrites the {@code udata} the filter already has ({@code oldToken}), and may re-evaluate
     * it (a spurious event at worst). Placed first in a reregister's change list, it costs no extra
     * system call.
     *
     * @return {@code slot + 1}, or {@code slot} if {@code oldBits} holds no filter to probe
     */
    static int encodeProbe(KqueueAbi abi, ByteBuffer buffer, int slot, int fd, long oldToken, int oldBits) {
        if ((oldBits & FILTER_BITS) == 0) {
            return slot;
        }
        int filter = (oldBits & Interest.READABLE_BIT) != 0 ? abi.evfiltRead : abi.evfiltWrite;
        abi.layout.put(buffer, slot, fd, filter, KqueueAbi.EV_RECEIPT, 0, 0, oldToken);
        return slot + 1;
    }

    /** @return true if a change's flags make it a probe from {@link #encodeProbe} */
    static boolean isProbe(int flags) {
        return (flags & (KqueueAbi.EV_ADD | KqueueAbi.EV_DELETE | KqueueAbi.EV_ENABLE | KqueueAbi.EV_DISABLE)) == 0;
    }

    private static int encodeFilter(KqueueAbi abi, ByteBuffer buffer, int n, int fd, long token, int filter, int bit,
            int oldBits, Trigger oldTrigger, int newBits, Trigger newTrigger) {
        KeventDescriptor layout = abi.layout;
        boolean had = (oldBits & bit) != 0;
        boolean wants = (newBits & bit) != 0;
        if (had && (!wants || oldTrigger != newTrigger)) {
            layout.put(buffer, n++, fd, filter, KqueueAbi.EV_DELETE | KqueueAbi.EV_RECEIPT, 0, 0, 0);
        }
        if (wants) {
            int flags = KqueueAbi.EV_ADD | KqueueAbi.EV_RECEIPT | modeFlags(newTrigger);
            if (had && oldTrigger == newTrigger) {
                flags |= KqueueAbi.EV_ENABLE;
            }
            layout.put(buffer, n++, fd, filter, flags, 0, 0, token);
        }
        return n;
    }
}
