package io.jmio.poll.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import java.nio.ByteBuffer;

/**
 * Benchmark-only access to the layers under {@link Posix}: the bare jnr-ffi binding jmio uses
 * ({@link LibC}), and a second binding of the same functions with {@code @IgnoreError}, which tells
 * jnr-ffi not to save errno, so that a benchmark can price errno saving. In the backend's package
 * because {@link LibC} is package-private; lives in the benchmarks module only.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class PosixLayers {
    /** The same functions as jmio binds, with errno saving off. Never used for real I/O. */
    public interface NoErrnoLib {
        @IgnoreError
        @ssize_t long recv(int fd, @intptr_t long buf, @size_t long length, int flags);

        @IgnoreError
        @ssize_t long send(int fd, @intptr_t long buf, @size_t long length, int flags);

        @IgnoreError
        long labs(long value);
    }

    /** {@code labs} with jnr-ffi's default errno saving: a native call that makes no system call. */
    public interface SavingLib {
        long labs(long value);
    }

    private static final NoErrnoLib NO_ERRNO = LibraryLoader.create(NoErrnoLib.class).failImmediately().load("libc.so.6");
    private static final SavingLib SAVING = LibraryLoader.create(SavingLib.class).failImmediately().load("libc.so.6");
    private static final com.kenai.jffi.MemoryIO MEMORY_IO = com.kenai.jffi.MemoryIO.getInstance();
    private static final int MSG_NOSIGNAL = SocketConstants.current().msgNoSignal;

    private PosixLayers() {
    }

    /** @return {@code recv} through jmio's own binding, no facade */
    public static long jnrRecv(int fd, long address, long length) {
        return LibC.LIB.recv(fd, address, length, 0);
    }

    /** @return {@code send} through jmio's own binding, no facade */
    public static long jnrSend(int fd, long address, long length) {
        return LibC.LIB.send(fd, address, length, MSG_NOSIGNAL);
    }

    /** @return {@code recv} through a binding that does not save errno */
    public static long noErrnoRecv(int fd, long address, long length) {
        return NO_ERRNO.recv(fd, address, length, 0);
    }

    /** @return {@code send} through a binding that does not save errno */
    public static long noErrnoSend(int fd, long address, long length) {
        return NO_ERRNO.send(fd, address, length, MSG_NOSIGNAL);
    }

    /** @return {@code labs(v)} with errno saved (jnr-ffi's default) */
    public static long labsSaving(long v) {
        return SAVING.labs(v);
    }

    /** @return {@code labs(v)} without errno saving */
    public static long labsNoErrno(long v) {
        return NO_ERRNO.labs(v);
    }

    /** @return the address through jffi's JNI {@code GetDirectBufferAddress} (jmio's way before this pass) */
    public static long jffiAddress(ByteBuffer direct) {
        return MEMORY_IO.getDirectBufferAddress(direct);
    }
}
