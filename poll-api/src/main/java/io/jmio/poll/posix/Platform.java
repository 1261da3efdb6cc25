package io.jmio.poll.posix;

import java.util.Locale;

/**
 * The operating system and CPU jmio runs on, read once from {@code os.name} and {@code os.arch}.
 *
 * <p>Threading: immutable.
 */
public enum Platform {
    /** Linux. */
    LINUX,
    /** macOS. */
    DARWIN,
    /** FreeBSD. */
    FREEBSD,
    /** NetBSD. */
    NETBSD,
    /** OpenBSD. */
    OPENBSD,
    /** DragonFly BSD. */
    DRAGONFLY,
    /** Windows. */
    WINDOWS,
    /** Anything else. */
    OTHER;

    private static final Platform CURRENT = detect(System.getProperty("os.name", ""));

    /** @return the running OS */
    public static Platform current() {
        return CURRENT;
    }

    /** @return true for the BSD family, macOS included: the systems kqueue runs on */
    public boolean isBsd() {
        return this == DARWIN || this == FREEBSD || this == NETBSD || this == OPENBSD || this == DRAGONFLY;
    }

    /** @return true if the running CPU is 64-bit ARM */
    public static boolean isAarch64() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    static Platform detect(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return LINUX;
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            return DARWIN;
        } else if (os.startsWith("freebsd")) {
            return FREEBSD;
        } else if (os.startsWith("netbsd")) {
            return NETBSD;
        } else if (os.startsWith("openbsd")) {
            return OPENBSD;
        } else if (os.startsWith("dragonfly")) {
            return DRAGONFLY;
        } else if (os.startsWith("windows")) {
            return WINDOWS;
        }
        return OTHER;
    }
}
