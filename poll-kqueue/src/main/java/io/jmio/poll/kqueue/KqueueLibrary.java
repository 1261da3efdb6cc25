package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;

/**
 * The jnr-ffi binding of {@code kqueue} and {@code kevent}. Only {@link KqueueNative} calls it.
 *
 * <p>The interface is public at the JVM level only because jnr-ffi implements it in a class loader of
 * its own; this package-private holder keeps it out of reach of other packages. Pointers are raw
 * addresses ({@code @intptr_t long}): no jnr {@code Struct} is built per call.
 *
 * <p>The library is loaded only on macOS and the BSDs: on any other OS the holder records why not and
 * never touches the native loader, so the Linux build and tests never try to bind {@code kqueue}.
 * Loading fails immediately if a symbol is missing, not at the first call. On NetBSD both methods
 * would be bound to {@code __kevent50}, the symbol NetBSD's headers rename {@code kevent} to (the plain
 * {@code kevent} symbol is a compatibility entry with a 32-bit {@code time_t} timespec); jffi cannot load
 * on NetBSD today, so the backend refuses it first (see {@link KqueueBackend}).
 *
 * <p><b>Why {@code kevent}'s timeout is a {@link Pointer}.</b> jnr-ffi (2.2.17, and still the pinned 2.3.0) compiles calls whose
 * arguments are all primitives into a machine-code stub; on x86_64 that stub loads the sixth integer
 * argument from the wrong stack slot (the return address), as {@code JnrSixArgumentTest} shows. On
 * aarch64 the sixth argument travels in a register and the defect was never shown; the workaround is
 * kept on both. {@code kevent} has six arguments, so its last one is an object: jnr-ffi then refuses
 * the stub ({@code X86MethodGenerator} takes no object argument beyond four) and takes its generic
 * invoker, which passes all six correctly.
 * The selector creates its two timeout pointers once, so nothing is allocated per call. The test
 * {@code JnrBindingsTest} pins that no binding of jmio has six primitive arguments.
 *
 * <p>Threading: the bound library is thread-safe, as the system calls are.
 */
final class KqueueLibrary {
    private KqueueLibrary() {
    }

    /** Signatures as in {@code sys/event.h}. */
    public interface Lib {
        int kqueue();

        /** macOS, FreeBSD, OpenBSD, DragonFly: {@code int} counts. */
        int kevent(int kq, @intptr_t long changelist, int nchanges, @intptr_t long eventlist, int nevents,
                Pointer timeout);

        /** NetBSD: {@code size_t} counts; bound to the same symbol as {@link #kevent}. */
        int keventSizeT(int kq, @intptr_t long changelist, @size_t long nchanges, @intptr_t long eventlist,
                @size_t long nevents, Pointer timeout);
    }

    /** The bound library, or null. */
    static final Lib LIB;
    /** Why it is not bound, or null. */
    static final Throwable LOAD_FAILURE;

    static {
        Lib lib = null;
        Throwable failure = null;
        Platform platform = Platform.current();
        if (!platform.isBsd()) {
            failure = new UnsupportedOperationException("kqueue exists on macOS and the BSDs only, not on "
                    + System.getProperty("os.name") + "; the kqueue library was not loaded");
        } else {
            try {
                String symbol = platform == Platform.NETBSD ? KqueueAbi.NETBSD.keventSymbol : "kevent";
                lib = LibraryLoader.create(Lib.class)
                        .map("kevent", symbol)
                        .map("keventSizeT", symbol)
                        .failImmediately()
                        .load("c");
            } catch (Throwable t) {
                failure = t;
            }
        }
        LIB = lib;
        LOAD_FAILURE = failure;
    }
}
