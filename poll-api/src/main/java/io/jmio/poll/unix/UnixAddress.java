package io.jmio.poll.unix;

import io.jmio.poll.posix.Platform;
import io.jmio.poll.posix.Sockaddr;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The address of a Unix-domain socket: a file system path, a name in Linux's abstract namespace, or
 * unnamed (an unbound socket, or one end of a {@code socketpair}).
 *
 * <p>A path is measured in UTF-8 bytes, as the kernel sees it: {@code sun_path} holds at most 107
 * bytes on Linux and 103 on macOS and the BSDs (one more for the terminating NUL). A longer path is
 * refused here, before any system call, with an {@link IllegalArgumentException} saying so
 * ({@code ENAMETOOLONG}).
 *
 * <p>Threading: immutable.
 */
public final class UnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;
    private static final UnixAddress UNNAMED = new UnixAddress(Kind.UNNAMED, new byte[0]);

    /** What kind of address this is. */
    public enum Kind {
        /** A file system path. */
        PATHNAME,
        /** A name in Linux's abstract namespace (no file). */
        ABSTRACT,
        /** No name: an unbound socket or a socket pair's end. */
        UNNAMED
    }

    /** What kind of address this is. */
    private final Kind kind;
    /** The path's or abstract name's bytes (without the abstract namespace's leading NUL); empty if unnamed. */
    private final byte[] name;

    private UnixAddress(Kind kind, byte[] name) {
        this.kind = kind;
        this.name = name;
    }

    /**
     * @param path a file system path
     * @return its address
     * @throws IllegalArgumentException if the path is empty, holds a NUL, or is too long for
     *                                  {@code sun_path} in UTF-8 bytes
     */
    public static UnixAddress of(Path path) {
        return of(Objects.requireNonNull(path, "path").toString());
    }

    /**
     * @param path a file system path
     * @return its address
     * @throws IllegalArgumentException if the path is empty, holds a NUL, or is too long for
     *                                  {@code sun_path} in UTF-8 bytes
     */
    public static UnixAddress of(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a Unix socket path must be non-empty and hold no NUL: \"" + path + "\"");
        }
        return new UnixAddress(Kind.PATHNAME, checkLength(path.getBytes(StandardCharsets.UTF_8), "path " + path));
    }

    /**
     * A name in Linux's abstract namespace: no file is created, and the name vanishes with the socket.
     *
     * @param name the name (any bytes, UTF-8 of this string)
     * @return its address
     * @throws UnsupportedOperationException on anything but Linux
     * @throws IllegalArgumentException      if the name is too long
     */
    public static UnixAddress ofAbstract(String name) {
        if (Platform.current() != Platform.LINUX) {
            throw new UnsupportedOperationException("the abstract Unix socket namespace exists on Linux only");
        }
        Objects.requireNonNull(name, "name");
        return new UnixAddress(Kind.ABSTRACT, checkLength(name.getBytes(StandardCharsets.UTF_8), "abstract name " + name));
    }

    /**
     * The address of a JDK {@link UnixDomainSocketAddress}: its path, or the unnamed address for the
     * empty path (the JDK's name for an unbound socket).
     *
     * @param address a JDK Unix-domain address
     * @return the same address
     * @throws IllegalArgumentException if the path is too long for {@code sun_path} in UTF-8 bytes
     */
    public static UnixAddress of(UnixDomainSocketAddress address) {
        Objects.requireNonNull(address, "address");
        String path = address.getPath().toString();
        return path.isEmpty() ? UNNAMED : of(path);
    }

    /**
     * The JDK's form of this address, for {@code java.nio.channels.SocketChannel} and friends.
     *
     * @return a {@link UnixDomainSocketAddress}: the path, or the empty path for the unnamed address
     * @throws UnsupportedOperationException for an abstract name, which the JDK's type cannot hold
     */
    public UnixDomainSocketAddress toUnixDomainSocketAddress() {
        return switch (kind) {
            case PATHNAME -> UnixDomainSocketAddress.of(new String(name, StandardCharsets.UTF_8));
            case UNNAMED -> UnixDomainSocketAddress.of("");
            case ABSTRACT -> throw new UnsupportedOperationException("UnixDomainSocketAddress has no abstract names: "
                    + this);
        };
    }

    /** @return the unnamed address */
    public static UnixAddress unnamed() {
        return UNNAMED;
    }

    static UnixAddress fromKernel(byte[] name, boolean abstractName) {
        if (name.length == 0 && !abstractName) {
            return UNNAMED;
        }
        return new UnixAddress(abstractName ? Kind.ABSTRACT : Kind.PATHNAME, name);
    }

    private static byte[] checkLength(byte[] bytes, String what) {
        int max = Sockaddr.current().maxUnixNameBytes();
        if (bytes.length > max) {
            throw new IllegalArgumentException("Unix socket " + what + " is " + bytes.length
                    + " bytes in UTF-8, but sun_path holds at most " + max + " on this OS (ENAMETOOLONG)");
        }
        return bytes;
    }

    /** @return the kind of address */
    public Kind kind() {
        return kind;
    }

    /** @return the path, or null if this is not a {@link Kind#PATHNAME} address */
    public Path path() {
        return kind == Kind.PATHNAME ? Path.of(new String(name, StandardCharsets.UTF_8)) : null;
    }

    /** @return the abstract name, or null if this is not an {@link Kind#ABSTRACT} address */
    public String abstractName() {
        return kind == Kind.ABSTRACT ? new String(name, StandardCharsets.UTF_8) : null;
    }

    byte[] nameBytes() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnixAddress that && kind == that.kind && Arrays.equals(name, that.name);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PATHNAME -> new String(name, StandardCharsets.UTF_8);
            case ABSTRACT -> "@" + new String(name, StandardCharsets.UTF_8);
            case UNNAMED -> "(unnamed)";
        };
    }
}
