package io.jmio.poll.kqueue;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Posix;

import java.nio.ByteBuffer;

/**
 * The facade over the real kernel's kqueue: the only class that calls {@link KqueueLibrary}, and the
 * place where this system's {@link KqueueAbi} is decided, once, when the class loads.
 *
 * <p><b>Choosing the layout.</b> macOS, OpenBSD, DragonFly and NetBSD have one {@code struct kevent}
 * each (NetBSD through {@code __kevent50}, see {@link KeventDescriptor}). FreeBSD changed it in 12.0
 * (64-bit {@code data}, four {@code ext} words) and keeps the old one behind the versioned symbol
 * {@code kevent@FBSD_1.0}; which one {@code dlsym("kevent")} returns depends on the C library that is
 * installed, not on {@code os.version} nor even on the running kernel (a FreeBSD 11 userland, in a
 * jail, on a 12 kernel gets the old one). So instead of guessing, {@link #probeFreeBsd} asks the bound
 * symbol itself: it adds an {@code EVFILT_USER} event to a scratch kqueue, triggers it in a second
 * call (FreeBSD's {@code kqueue_register} ignores {@code NOTE_TRIGGER} on the change that creates the
 * knote, unlike XNU), and reads it back into a buffer filled with a marker. A 32-byte {@code kevent}
 * leaves bytes 32 to 39 untouched; the 64-byte one writes {@code ext[0]} there (0, as the change carried). Both layouts agree on the first 32
 * bytes on 64-bit systems, so the change is read the same way by either.
 *
 * <p>Only 64-bit systems are supported (the layouts above assume 8-byte pointers and {@code long}).
 *
 * <p>Threading: thread-safe and stateless after class initialisation.
 */
final class KqueueNative implements KqueueSystem {
    /** The one instance, or null when unavailable. */
    static final KqueueNative INSTANCE;
    private static final Throwable UNAVAILABILITY;
    private static final long MARKER = 0xA5A5A5A5A5A5A5A5L;
    private static final long PROBE_UDATA = 0x6a6d696fL;

    static {
        KqueueNative instance = null;
        Throwable cause = KqueueLibrary.LOAD_FAILURE != null ? KqueueLibrary.LOAD_FAILURE : Posix.unavailabilityCause();
        if (cause == null) {
            try {
                if (jnr.ffi.Runtime.getSystemRuntime().addressSize() != 8) {
                    throw new UnsupportedOperationException("jmio's kqueue backend supports 64-bit systems only");
                }
                instance = new KqueueNative(abiFor(Platform.current()));
            } catch (Throwable t) {
                cause = t;
            }
        }
        INSTANCE = instance;
        UNAVAILABILITY = cause;
    }

    private final KqueueAbi abi;
    private final boolean sizeTCounts;

    private KqueueNative(KqueueAbi abi) {
        this.abi = abi;
        this.sizeTCounts = abi == KqueueAbi.NETBSD;
    }

    /** @return why the real kqueue cannot be used here, or null */
    static Throwable unavailabilityCause() {
        return UNAVAILABILITY;
    }

    private static KqueueAbi abiFor(Platform platform) throws SyscallException {
        switch (platform) {
            case DARWIN:
                return KqueueAbi.DARWIN;
            case FREEBSD:
                return probeFreeBsd(new KqueueNative(KqueueAbi.FREEBSD_12));
            case DRAGONFLY:
                return KqueueAbi.DRAGONFLY;
            case OPENBSD:
                return KqueueAbi.OPENBSD;
            case NETBSD:
                throw (UnsupportedOperationException) KqueueBackend.unsupported(platform);
            default:
                throw new UnsupportedOperationException("no kqueue on " + platform);
        }
    }

    /**
     * See the class comment: which {@code struct kevent} the bound FreeBSD symbol writes.
     *
     * @param sys the system calls, speaking {@link KqueueAbi#FREEBSD_12}'s layout for the change (the
     *            real kernel's, or an emulation's in tests)
     */
    static KqueueAbi probeFreeBsd(KqueueSystem sys) throws SyscallException {
        int kq = sys.kqueue();
        KqueueAbi abi;
        try {
            KeventDescriptor wide = KeventDescriptor.FREEBSD_64;
            ByteBuffer change = NativeMemory.allocate(wide.size);
            ByteBuffer out = NativeMemory.allocate(2 * wide.size);
            ByteBuffer zero = NativeMemory.allocate(TimespecDescriptor.SIZE);
            int user = KqueueAbi.FREEBSD_12.evfiltUser;
            for (int i = 0; i < out.capacity(); i += 8) {
                out.putLong(i, MARKER);
            }
            jnr.ffi.Pointer zeroTimeout = jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), NativeMemory.address(zero));
            // Add, then trigger in a call of its own: FreeBSD ignores NOTE_TRIGGER on the creating change.
            wide.put(change, 0, 1, user, KqueueAbi.EV_ADD | KqueueAbi.EV_ONESHOT, 0, 0, PROBE_UDATA);
            submitProbe(sys, kq, change, zeroTimeout, "kevent(EV_ADD, EVFILT_USER)");
            wide.put(change, 0, 1, user, 0, KqueueAbi.NOTE_TRIGGER, 0, PROBE_UDATA);
            submitProbe(sys, kq, change, zeroTimeout, "kevent(NOTE_TRIGGER)");
            int n = sys.kevent(kq, 0, 0, NativeMemory.address(out), 1, zeroTimeout);
            if (n != 1 || KeventDescriptor.COMPACT_32.filter(out, 0) != user
                    || KeventDescriptor.COMPACT_32.udata(out, 0) != PROBE_UDATA) {
                throw new IllegalStateException("cannot tell FreeBSD's struct kevent layout: the probe event came back as n="
                        + n + ", filter=" + KeventDescriptor.COMPACT_32.filter(out, 0));
            }
            abi = out.getLong(32) == MARKER ? KqueueAbi.FREEBSD_11 : KqueueAbi.FREEBSD_12;
        } catch (SyscallException | RuntimeException e) {
            try {
                sys.close(kq);
            } catch (SyscallException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        sys.close(kq);
        return abi;
    }

    private static void submitProbe(KqueueSystem sys, int kq, ByteBuffer change, jnr.ffi.Pointer timeout, String what)
            throws SyscallException {
        int got = sys.kevent(kq, NativeMemory.address(change), 1, 0, 0, timeout);
        if (got < 0) {
            throw KqueueErrors.fail(what, -got, "probing FreeBSD's struct kevent");
        }
    }

    @Override
    public KqueueAbi abi() {
        return abi;
    }

    /**
     * {@code kqueue()} then {@code fcntl(F_SETFD, FD_CLOEXEC)}: {@code kqueue1}/{@code kqueuex} with a
     * close-on-exec flag exist only on some of the systems (NetBSD, FreeBSD 14), so all use the
     * portable pair. The window between the two calls matters only to a concurrent {@code exec} in
     * another thread, and kqueue descriptors are not inherited across {@code fork} anyway.
     */
    @Override
    public int kqueue() throws SyscallException {
        int kq = KqueueLibrary.LIB.kqueue();
        if (kq < 0) {
            throw KqueueErrors.fail("kqueue", Posix.lastErrno(), null);
        }
        try {
            Posix.setCloseOnExec(kq);
        } catch (SyscallException e) {
            Posix.closeQuietly(kq, e);
            throw e;
        }
        return kq;
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, jnr.ffi.Pointer timeout) {
        int n = sizeTCounts
                ? KqueueLibrary.LIB.keventSizeT(kq, changes, nchanges, events, nevents, timeout)
                : KqueueLibrary.LIB.kevent(kq, changes, nchanges, events, nevents, timeout);
        return n >= 0 ? n : -Posix.lastErrno();
    }

    @Override
    public void close(int fd) throws SyscallException {
        Posix.close(fd);
    }

    @Override
    public int[] pipe() throws SyscallException {
        return Posix.pipe();
    }

    @Override
    public long read(int fd, long address, long length) throws SyscallException {
        return Posix.read(fd, address, length);
    }

    @Override
    public long write(int fd, long address, long length) throws SyscallException {
        return Posix.write(fd, address, length);
    }
}
