package io.jmio.poll.epoll.reliability;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Test-only libc binding for Linux: {@code getrlimit}/{@code setrlimit} for {@code RLIMIT_NOFILE}, to give
 * the load tests the descriptors they need, and {@code open}, for a regular file's descriptor. {@code struct rlimit} is two {@code rlim_t} (64-bit on
 * Linux x86_64 and aarch64): soft limit, then hard limit.
 *
 * <p>Threading: thread-safe (process-wide limits).
 */
final class TestLibc {
    /** The binding; public because jnr-ffi implements it. */
    public interface Lib {
        int getrlimit(int resource, @Out long[] limits);

        int setrlimit(int resource, @In long[] limits);

        int open(String path, int flags);
    }

    private static final int RLIMIT_NOFILE = 7; // Linux
    private static final Lib LIB = LibraryLoader.create(Lib.class).load("libc.so.6");

    private TestLibc() {
    }

    /** @return {soft, hard} descriptor limits */
    static long[] openFiles() {
        long[] limits = new long[2];
        if (LIB.getrlimit(RLIMIT_NOFILE, limits) != 0) {
            throw new IllegalStateException("getrlimit(RLIMIT_NOFILE) failed");
        }
        return limits;
    }

    /**
     * Raises the soft descriptor limit to at least {@code wanted} if it can: up to the hard limit
     * always, beyond it when the process may raise the hard limit too (root with
     * {@code CAP_SYS_RESOURCE}).
     *
     * @return the soft limit now in force
     */
    static long raiseOpenFiles(long wanted) {
        long[] limits = openFiles();
        if (limits[0] >= wanted) {
            return limits[0];
        }
        if (limits[1] < wanted) {
            long[] both = {wanted, wanted};
            if (LIB.setrlimit(RLIMIT_NOFILE, both) == 0) {
                return wanted;
            }
        }
        long[] soft = {Math.min(wanted, limits[1]), limits[1]};
        LIB.setrlimit(RLIMIT_NOFILE, soft);
        return openFiles()[0];
    }

    /** @return a read-only descriptor of the file at {@code path}; the caller closes it */
    static int openReadOnly(String path) {
        int fd = LIB.open(path, 0 /* O_RDONLY */);
        if (fd < 0) {
            throw new IllegalStateException("open(" + path + ") failed");
        }
        return fd;
    }
}
