package io.jmio.poll.uring;

/**
 * The fields of the kernel's {@code struct stat} ({@code fstat(2)}) that identify an open file:
 * {@code st_dev} and {@code st_ino}, at the same offsets on x86_64 and aarch64, and {@code st_mode},
 * which is not.
 *
 * <pre>
 *                 x86_64 (struct stat)    aarch64 (asm-generic struct stat)
 *  st_dev         offset 0,  8 bytes      offset 0,  8 bytes
 *  st_ino         offset 8,  8 bytes      offset 8,  8 bytes
 *  st_nlink       offset 16, 8 bytes      offset 20, 4 bytes
 *  st_mode        offset 24, 4 bytes      offset 16, 4 bytes
 *  size           144                     128
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class StatDescriptor {
    static final boolean X86_64 = isX8664(System.getProperty("os.arch", ""));
    static final int SIZE = X86_64 ? 144 : 128;
    static final int DEV = 0;
    static final int INO = 8;
    static final int MODE = X86_64 ? 24 : 16;
    /** {@code S_IFMT} and the two file types whose poll is always ready. */
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;

    private StatDescriptor() {
    }

    static boolean isX8664(String osArch) {
        return osArch.equals("amd64") || osArch.equals("x86_64");
    }
}
