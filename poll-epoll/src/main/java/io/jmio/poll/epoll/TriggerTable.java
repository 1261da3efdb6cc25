package io.jmio.poll.epoll;

import io.jmio.poll.Trigger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The trigger mode of each descriptor registered with one epoll selector, so that the three-argument
 * {@link io.jmio.poll.Registry#reregister(io.jmio.poll.Source, io.jmio.poll.Token, io.jmio.poll.Interest)
 * reregister} can keep it: epoll has no call that reads a registration's flags back.
 *
 * <p>One byte per descriptor number, in pages of {@value #PAGE} bytes created the first time a
 * descriptor in their range is registered and kept for the selector's life; descriptors are small
 * dense numbers, so a server with 100,000 connections holds about 100 KiB here. Registering a
 * descriptor whose page exists, reregistering and deregistering allocate nothing.
 *
 * <p>Threading: thread-safe without a lock on the steady path. Pages are created, and the page
 * directory grown, under the table's lock; a page is never replaced once published, so a write to
 * it can never be lost to a concurrent growth. Entries are written with release and read with
 * acquire semantics.
 */
final class TriggerTable {
    static final int PAGE = 4096;
    private static final int SHIFT = Integer.numberOfTrailingZeros(PAGE);
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final Trigger[] TRIGGERS = Trigger.values();

    private volatile byte[][] pages = new byte[1][];

    /** Records {@code trigger} for {@code fd} (after the kernel accepted the registration). */
    void put(int fd, Trigger trigger) {
        ENTRY.setRelease(page(fd), fd & (PAGE - 1), (byte) (trigger.ordinal() + 1));
    }

    /** Forgets {@code fd} (after it was deregistered). */
    void remove(int fd) {
        byte[][] directory = pages;
        int index = fd >>> SHIFT;
        if (index < directory.length && directory[index] != null) {
            ENTRY.setRelease(directory[index], fd & (PAGE - 1), (byte) 0);
        }
    }

    /**
     * @return the trigger recorded for {@code fd}; edge-triggered if none is (the descriptor was not
     *         registered through this selector, and {@code EPOLL_CTL_MOD} will refuse it with {@code ENOENT})
     */
    Trigger get(int fd) {
        byte[][] directory = pages;
        int index = fd >>> SHIFT;
        if (index >= directory.length || directory[index] == null) {
            return Trigger.EDGE;
        }
        int v = (byte) ENTRY.getAcquire(directory[index], fd & (PAGE - 1));
        return v == 0 ? Trigger.EDGE : TRIGGERS[v - 1];
    }

    private byte[] page(int fd) {
        byte[][] directory = pages;
        int index = fd >>> SHIFT;
        if (index < directory.length && directory[index] != null) {
            return directory[index];
        }
        return createPage(index);
    }

    private synchronized byte[] createPage(int index) {
        byte[][] directory = pages;
        if (index >= directory.length) {
            byte[][] grown = new byte[Math.max(index + 1, directory.length * 2)][];
            System.arraycopy(directory, 0, grown, 0, directory.length);
            directory = grown;
        }
        if (directory[index] == null) {
            directory[index] = new byte[PAGE];
        }
        pages = directory; // publishes the new page (and directory) with the volatile write
        return directory[index];
    }
}
