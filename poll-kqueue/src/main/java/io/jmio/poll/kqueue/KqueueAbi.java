package io.jmio.poll.kqueue;

/**
 * What differs between the kqueue systems: the {@code struct kevent} layout, the filter numbers, the
 * {@code kevent} symbol to bind, and how the waker is built. One constant per system; the values
 * follow each system's {@code sys/event.h}.
 *
 * <table>
 *   <caption>kqueue per OS (64-bit)</caption>
 *   <tr><th>ABI</th><th>layout</th><th>READ</th><th>WRITE</th><th>AIO</th><th>LIO</th><th>USER</th><th>waker</th><th>symbol</th></tr>
 *   <tr><td>{@link #DARWIN}</td><td>32 B</td><td>-1</td><td>-2</td><td>- (-3 unused)</td><td>-</td><td>-10</td><td>EVFILT_USER</td><td>{@code kevent}</td></tr>
 *   <tr><td>{@link #FREEBSD_12}</td><td>64 B</td><td>-1</td><td>-2</td><td>-3</td><td>-10</td><td>-11</td><td>EVFILT_USER</td><td>{@code kevent} (FBSD_1.5)</td></tr>
 *   <tr><td>{@link #FREEBSD_11}</td><td>32 B</td><td>-1</td><td>-2</td><td>-3</td><td>-10</td><td>-11</td><td>EVFILT_USER</td><td>{@code kevent} (FBSD_1.0)</td></tr>
 *   <tr><td>{@link #DRAGONFLY}</td><td>32 B</td><td>-1</td><td>-2</td><td>-3</td><td>-</td><td>-9</td><td>EVFILT_USER</td><td>{@code kevent}</td></tr>
 *   <tr><td>{@link #OPENBSD}</td><td>32 B</td><td>-1</td><td>-2</td><td>-</td><td>-</td><td>(-10, recent releases only)</td><td>pipe</td><td>{@code kevent}</td></tr>
 *   <tr><td>{@link #NETBSD}</td><td>40 B</td><td>0</td><td>1</td><td>-</td><td>-</td><td>(8, NetBSD 10 and later)</td><td>pipe</td><td>{@code __kevent50}</td></tr>
 * </table>
 *
 * <p>The action and flag bits ({@code EV_*}) and {@code NOTE_TRIGGER} have the same values on all of
 * them (only their width differs: {@code u16}, or {@code u32} on NetBSD). OpenBSD and NetBSD get a
 * pipe waker because their {@code EVFILT_USER} is too recent to rely on. AIO and LIO are accepted only
 * where a kernel can post them to a kqueue ({@code SIGEV_KEVENT}): FreeBSD and DragonFly (AIO) and
 * FreeBSD (LIO). macOS defines {@code EVFILT_AIO} (-3) but XNU's {@code sysfilt_ops} maps it to
 * {@code bad_filtops} (bsd/kern/kern_event.c), so no AIO event can ever arrive there and
 * {@link io.jmio.poll.Interest#AIO} is refused (mio accepts it). NetBSD's layout is here for the
 * emulation: the backend itself does not run on NetBSD (see {@link KqueueBackend#unsupported}).
 *
 * <p>Threading: immutable.
 */
final class KqueueAbi {
    /** A filter number no system uses: marks a filter this system does not have. */
    static final int NONE = Integer.MIN_VALUE;

    /** {@code EV_ADD}: add the filter, or modify it if present. */
    static final int EV_ADD = 0x0001;
    /** {@code EV_DELETE}: remove the filter. */
    static final int EV_DELETE = 0x0002;
    /** {@code EV_ENABLE}: let the filter report again. */
    static final int EV_ENABLE = 0x0004;
    /** {@code EV_DISABLE}: keep the filter but report nothing. */
    static final int EV_DISABLE = 0x0008;
    /** {@code EV_ONESHOT}: delete the filter after its first event. */
    static final int EV_ONESHOT = 0x0010;
    /** {@code EV_CLEAR}: reset the state once reported (edge-triggered). */
    static final int EV_CLEAR = 0x0020;
    /** {@code EV_RECEIPT}: return every change as an {@code EV_ERROR} entry, {@code data} = errno or 0. */
    static final int EV_RECEIPT = 0x0040;
    /** {@code EV_DISPATCH}: disable the filter after each event. */
    static final int EV_DISPATCH = 0x0080;
    /** {@code EV_ERROR}: on output, {@code data} holds an errno (or 0 for a receipt). */
    static final int EV_ERROR = 0x4000;
    /** {@code EV_EOF}: end of file; {@code fflags} may hold a socket error. */
    static final int EV_EOF = 0x8000;
    /** {@code NOTE_TRIGGER}: fire an {@code EVFILT_USER} event. */
    static final int NOTE_TRIGGER = 0x01000000;

    /** macOS. */
    static final KqueueAbi DARWIN = new KqueueAbi("darwin", KeventDescriptor.COMPACT_32, -1, -2, NONE, NONE, -10, true, "kevent");
    /** FreeBSD 12 and later. */
    static final KqueueAbi FREEBSD_12 = new KqueueAbi("freebsd12", KeventDescriptor.FREEBSD_64, -1, -2, -3, -10, -11, true, "kevent");
    /** FreeBSD 11 and earlier (and a FreeBSD 11 userland on a newer kernel). */
    static final KqueueAbi FREEBSD_11 = new KqueueAbi("freebsd11", KeventDescriptor.COMPACT_32, -1, -2, -3, -10, -11, true, "kevent");
    /** DragonFly BSD. */
    static final KqueueAbi DRAGONFLY = new KqueueAbi("dragonfly", KeventDescriptor.COMPACT_32, -1, -2, -3, NONE, -9, true, "kevent");
    /** OpenBSD. */
    static final KqueueAbi OPENBSD = new KqueueAbi("openbsd", KeventDescriptor.COMPACT_32, -1, -2, NONE, NONE, NONE, false, "kevent");
    /** NetBSD, through the {@code __kevent50} symbol its headers rename {@code kevent} to. */
    static final KqueueAbi NETBSD = new KqueueAbi("netbsd", KeventDescriptor.NETBSD_40, 0, 1, NONE, NONE, NONE, false, "__kevent50");

    final String name;
    final KeventDescriptor layout;
    final int evfiltRead;
    final int evfiltWrite;
    /** {@code EVFILT_AIO}, or {@link #NONE}. */
    final int evfiltAio;
    /** {@code EVFILT_LIO}, or {@link #NONE}. */
    final int evfiltLio;
    /** {@code EVFILT_USER} if the waker uses it, else {@link #NONE}. */
    final int evfiltUser;
    /** True: the waker is an {@code EVFILT_USER} event; false: a pipe. */
    final boolean userWaker;
    /** The libc symbol implementing {@code kevent} with this layout. */
    final String keventSymbol;

    private KqueueAbi(String name, KeventDescriptor layout, int evfiltRead, int evfiltWrite, int evfiltAio,
            int evfiltLio, int evfiltUser, boolean userWaker, String keventSymbol) {
        this.name = name;
        this.layout = layout;
        this.evfiltRead = evfiltRead;
        this.evfiltWrite = evfiltWrite;
        this.evfiltAio = evfiltAio;
        this.evfiltLio = evfiltLio;
        this.evfiltUser = evfiltUser;
        this.userWaker = userWaker;
        this.keventSymbol = keventSymbol;
    }

    /** @return every ABI, for tests that run against each */
    static KqueueAbi[] all() {
        return new KqueueAbi[] {DARWIN, FREEBSD_12, FREEBSD_11, DRAGONFLY, OPENBSD, NETBSD};
    }

    /** @return a filter's name, for messages */
    String filterName(int filter) {
        if (filter == evfiltRead) {
            return "EVFILT_READ";
        } else if (filter == evfiltWrite) {
            return "EVFILT_WRITE";
        } else if (filter == evfiltUser) {
            return "EVFILT_USER";
        } else if (filter == evfiltAio) {
            return "EVFILT_AIO";
        } else if (filter == evfiltLio) {
            return "EVFILT_LIO";
        }
        return "filter " + filter;
    }

    @Override
    public String toString() {
        return name + "/" + layout;
    }
}
