package io.jmio.poll.posix;

import java.util.HashMap;
import java.util.Map;

/**
 * Error numbers of the running OS by symbolic name, and the reverse: the name of a number.
 *
 * <p>The classic numbers 1 to 34 are the same on Linux and the BSDs; the networking ones are not
 * ({@code EAGAIN} is 11 on Linux and 35 on macOS and the BSDs), so each constant here is resolved for
 * the running OS from the tables below, which follow Linux's {@code asm-generic/errno*.h} and the
 * BSDs' {@code sys/errno.h}.
 *
 * <p>Threading: immutable.
 */
public final class Errno {
    private static final String[] COMMON = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
        null, "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
        "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
        "EMLINK", "EPIPE", "EDOM", "ERANGE",
    };

    private static final Object[][] LINUX = {
        {"EAGAIN", 11}, {"EDEADLK", 35}, {"ENAMETOOLONG", 36}, {"ENOSYS", 38}, {"ELOOP", 40},
        {"ENOTSOCK", 88}, {"EDESTADDRREQ", 89}, {"EMSGSIZE", 90}, {"EPROTOTYPE", 91}, {"ENOPROTOOPT", 92},
        {"EPROTONOSUPPORT", 93}, {"EOPNOTSUPP", 95}, {"EAFNOSUPPORT", 97}, {"EADDRINUSE", 98},
        {"EADDRNOTAVAIL", 99}, {"ENETDOWN", 100}, {"ENETUNREACH", 101}, {"ECONNABORTED", 103},
        {"ECONNRESET", 104}, {"ENOBUFS", 105}, {"EISCONN", 106}, {"ENOTCONN", 107}, {"ESHUTDOWN", 108},
        {"ETIMEDOUT", 110}, {"ECONNREFUSED", 111}, {"EHOSTUNREACH", 113}, {"EALREADY", 114},
        {"EINPROGRESS", 115}, {"ECANCELED", 125},
    };

    /** macOS and the BSDs; where they differ the value is per OS below. */
    private static final Object[][] BSD = {
        {"EDEADLK", 11}, {"EAGAIN", 35}, {"EINPROGRESS", 36}, {"EALREADY", 37}, {"ENOTSOCK", 38},
        {"EDESTADDRREQ", 39}, {"EMSGSIZE", 40}, {"EPROTOTYPE", 41}, {"ENOPROTOOPT", 42},
        {"EPROTONOSUPPORT", 43}, {"EOPNOTSUPP", 45}, {"EAFNOSUPPORT", 47}, {"EADDRINUSE", 48},
        {"EADDRNOTAVAIL", 49}, {"ENETDOWN", 50}, {"ENETUNREACH", 51}, {"ECONNABORTED", 53},
        {"ECONNRESET", 54}, {"ENOBUFS", 55}, {"EISCONN", 56}, {"ENOTCONN", 57}, {"ESHUTDOWN", 58},
        {"ETIMEDOUT", 60}, {"ECONNREFUSED", 61}, {"ELOOP", 62}, {"ENAMETOOLONG", 63}, {"EHOSTUNREACH", 65},
        {"ENOSYS", 78},
    };

    private final Map<String, Integer> byName = new HashMap<>();
    private final Map<Integer, String> byNumber = new HashMap<>();

    private static final Errno CURRENT = forPlatform(Platform.current());

    /** Operation not permitted. */
    public static final int EPERM = CURRENT.number("EPERM");
    /** No such file or directory / not registered. */
    public static final int ENOENT = CURRENT.number("ENOENT");
    /** Interrupted system call. */
    public static final int EINTR = CURRENT.number("EINTR");
    /** Bad file descriptor. */
    public static final int EBADF = CURRENT.number("EBADF");
    /** Out of memory. */
    public static final int ENOMEM = CURRENT.number("ENOMEM");
    /** File exists / already registered. */
    public static final int EEXIST = CURRENT.number("EEXIST");
    /** Invalid argument. */
    public static final int EINVAL = CURRENT.number("EINVAL");
    /** Too many open files in the system. */
    public static final int ENFILE = CURRENT.number("ENFILE");
    /** Too many open files in the process. */
    public static final int EMFILE = CURRENT.number("EMFILE");
    /** Broken pipe. */
    public static final int EPIPE = CURRENT.number("EPIPE");
    /** Resource temporarily unavailable: would block. */
    public static final int EAGAIN = CURRENT.number("EAGAIN");
    /** Operation now in progress (non-blocking connect). */
    public static final int EINPROGRESS = CURRENT.number("EINPROGRESS");
    /** Connection reset by peer. */
    public static final int ECONNRESET = CURRENT.number("ECONNRESET");
    /** Connection refused. */
    public static final int ECONNREFUSED = CURRENT.number("ECONNREFUSED");
    /** Software caused connection abort (a queued connection died before accept). */
    public static final int ECONNABORTED = CURRENT.number("ECONNABORTED");
    /** Address already in use. */
    public static final int EADDRINUSE = CURRENT.number("EADDRINUSE");
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = CURRENT.number("ENOTCONN");
    /** Function not implemented. */
    public static final int ENOSYS = CURRENT.number("ENOSYS");

    private Errno() {
    }

    /**
     * @param platform an OS
     * @return the table of that OS (Linux or the BSD family)
     */
    public static Errno forPlatform(Platform platform) {
        Errno table = new Errno();
        for (int i = 1; i < COMMON.length; i++) {
            if (COMMON[i] != null) {
                table.put(COMMON[i], i);
            }
        }
        for (Object[] entry : platform.isBsd() ? BSD : LINUX) {
            table.put((String) entry[0], (Integer) entry[1]);
        }
        if (platform == Platform.DARWIN) {
            table.put("EOPNOTSUPP", 102);
            table.put("ECANCELED", 89);
        } else if (platform == Platform.NETBSD) {
            table.put("ECANCELED", 87);
        } else if (platform == Platform.OPENBSD) {
            table.put("ECANCELED", 88);
        } else if (platform.isBsd()) {
            table.put("ECANCELED", 85); // FreeBSD, DragonFly
        }
        return table;
    }

    /** @return the table of the running OS */
    public static Errno current() {
        return CURRENT;
    }

    private void put(String name, int number) {
        byName.put(name, number);
        byNumber.put(number, name);
    }

    /**
     * @param name a symbolic name such as {@code EAGAIN}
     * @return its number on this table's OS
     * @throws IllegalArgumentException if the name is not in the table
     */
    public int number(String name) {
        Integer n = byName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("unknown errno name " + name);
        }
        return n;
    }

    /**
     * @param errno an error number of this table's OS
     * @return its symbolic name, or {@code errno N} if the table lacks it
     */
    public String name(int errno) {
        String name = byNumber.get(errno);
        return name != null ? name : "errno " + errno;
    }
}
