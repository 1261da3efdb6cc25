package io.jmio.poll.contract;

import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Real descriptors for the contract tests, made through the POSIX layer: non-blocking pipes and
 * socket pairs, and byte-level reads and writes on them.
 *
 * <p>Threading: stateless; each call uses its own native buffer.
 */
public final class Fds {
    private Fds() {
    }

    /** @return {@code {readEnd, writeEnd}} of a new non-blocking pipe */
    public static int[] pipe() throws IOException {
        return Posix.pipe();
    }

    /** @return two connected non-blocking stream sockets */
    public static int[] socketPair() throws IOException {
        return Posix.socketPair(Posix.SOCK_STREAM);
    }

    /**
     * Writes all of {@code bytes} (the descriptor must have room).
     *
     * @return the number of bytes written
     */
    public static int write(int fd, byte[] bytes) throws IOException {
        ByteBuffer buf = NativeMemory.allocate(bytes.length);
        buf.put(0, bytes);
        long n = Posix.write(fd, NativeMemory.address(buf), bytes.length);
        if (n != bytes.length) {
            throw new IOException("short write to fd " + fd + ": " + n + " of " + bytes.length);
        }
        return (int) n;
    }

    /** Writes one byte. */
    public static void write(int fd) throws IOException {
        write(fd, new byte[] {42});
    }

    /**
     * Reads until the descriptor would block.
     *
     * @return the number of bytes read; -1 if it reported end of stream first
     */
    public static long drain(int fd) throws IOException {
        ByteBuffer buf = NativeMemory.allocate(65536);
        long address = NativeMemory.address(buf);
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            long n = Posix.read(fd, address, 65536);
            if (n == Posix.WOULD_BLOCK) {
                return total;
            }
            if (n == 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        throw new IOException("fd " + fd + " never ran dry");
    }

    /** Fills the descriptor's buffer until a write would block. */
    public static long fill(int fd) throws IOException {
        ByteBuffer buf = NativeMemory.allocate(65536);
        long address = NativeMemory.address(buf);
        long total = 0;
        for (int i = 0; i < 100_000; i++) {
            long n = Posix.write(fd, address, 65536);
            if (n == Posix.WOULD_BLOCK) {
                return total;
            }
            total += n;
        }
        throw new IOException("fd " + fd + " never filled");
    }

    /** Closes each descriptor, ignoring negatives. */
    public static void close(int... fds) throws IOException {
        for (int fd : fds) {
            if (fd >= 0) {
                Posix.close(fd);
            }
        }
    }

    /**
     * @return the number of open descriptors of this process: {@code /proc/self/fd} on Linux,
     *         {@code /dev/fd} on macOS and the BSDs (on FreeBSD without fdescfs it lists only 0 to 2,
     *         so the count there proves nothing, but stays stable)
     */
    public static int openFdCount() {
        File dir = new File("/proc/self/fd");
        if (!dir.isDirectory()) {
            dir = new File("/dev/fd");
        }
        String[] entries = dir.list();
        if (entries == null) {
            throw new IllegalStateException(dir + " is not readable");
        }
        return entries.length;
    }
}
