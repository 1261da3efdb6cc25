package io.jmio.poll.uring;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;

/**
 * The jnr-ffi binding of io_uring's three system calls (through {@code syscall(2)}, as glibc has no
 * wrappers), {@code mmap}/{@code munmap} for the rings, {@code fstat} (also through {@code syscall}) and
 * {@code eventfd}. Only {@link UringNative} calls it.
 *
 * <p>Two jnr-ffi constraints shape the signatures. Its allocation-free call generators stop at six
 * arguments, and its x86_64 stub passes the sixth argument wrong when all six are primitives (see
 * poll-api's {@code JnrSixArgumentTest}); so {@code io_uring_enter}, seven arguments through
 * {@code syscall}, is bound with six, the last one the signal mask as a {@link Pointer} (always null),
 * without {@code argsz}, which the kernel reads only with {@code IORING_ENTER_EXT_ARG}: jmio never
 * sets it and expresses wait timeouts as {@code IORING_OP_TIMEOUT} submissions instead. {@code mmap}
 * takes its offset as a {@link Pointer} for the same reason.
 *
 * <p>{@code syscall} is variadic in C; glibc's Linux implementation reads its arguments from the
 * integer registers whatever the caller's convention for floating-point arguments, so binding it with
 * fixed integer arguments is safe on x86_64 and aarch64.
 */
final class UringLibrary {
    private UringLibrary() {
    }

    /** Signatures as in {@code unistd.h}, {@code sys/mman.h} and {@code sys/eventfd.h}. */
    public interface Lib {
        /** {@code io_uring_setup(entries, params)} and {@code fstat(fd, buf)}. */
        long syscall(long number, long a1, @intptr_t long a2);

        /** {@code io_uring_register(fd, opcode, arg, nr_args)}. */
        long syscall(long number, int fd, int opcode, @intptr_t long arg, int nrArgs);

        /** {@code io_uring_enter(fd, to_submit, min_complete, flags, sig)}, argsz left out (see above). */
        long syscall(long number, int fd, int toSubmit, int minComplete, int flags, Pointer sig);

        @intptr_t long mmap(@intptr_t long addr, @size_t long length, int prot, int flags, int fd, Pointer offset);

        int munmap(@intptr_t long addr, @size_t long length);

        int eventfd(int initval, int flags);
    }

    static final Lib LIB;
    static final Runtime RUNTIME;
    static final Throwable LOAD_FAILURE;

    static {
        Lib lib = null;
        Runtime runtime = null;
        Throwable failure = null;
        try {
            lib = LibraryLoader.create(Lib.class).failImmediately().load("libc.so.6");
            runtime = Runtime.getRuntime(lib);
        } catch (Throwable t) {
            failure = t;
        }
        LIB = lib;
        RUNTIME = runtime;
        LOAD_FAILURE = failure;
    }
}
