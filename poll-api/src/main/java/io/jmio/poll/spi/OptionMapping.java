package io.jmio.poll.spi;

import io.jmio.poll.net.JmioSocketOptions;
import io.jmio.poll.net.SocketConfig;
import io.jmio.poll.spi.SocketSystem.Option;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The generic {@code setOption}/{@code getOption} of every jmio socket type: which
 * {@link SocketOption}s each {@link Kind} takes (the JDK channels' sets, plus
 * {@link JmioSocketOptions}), how values are checked, and how each maps onto the {@link SocketSystem}'s
 * integer {@link Option}s, which the system maps to its OS's level and name.
 *
 * <p>Refusals: an option the kind does not take, or one the OS lacks ({@link SocketSystem#supports}),
 * is an {@link UnsupportedOperationException} naming the option, the socket type and the OS; a null or
 * out-of-range value an {@link IllegalArgumentException} (as the JDK's channels do).
 *
 * <p>Threading: stateless.
 */
public final class OptionMapping {
    /** The socket types, each with the options it takes. */
    public enum Kind {
        /** {@code TcpStream}: {@code SocketChannel}'s options plus TCP keep-alive tuning. */
        TCP_STREAM("TcpStream", List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
                StandardSocketOptions.SO_LINGER, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.IP_TOS,
                JmioSocketOptions.TCP_KEEPIDLE, JmioSocketOptions.TCP_KEEPINTERVAL, JmioSocketOptions.TCP_KEEPCOUNT)),
        /** {@code TcpListener}: {@code ServerSocketChannel}'s options plus {@code IPV6_V6ONLY}. */
        TCP_LISTENER("TcpListener", List.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR,
                StandardSocketOptions.SO_REUSEPORT, JmioSocketOptions.IPV6_V6ONLY)),
        /** {@code UdpSocket}: {@code DatagramChannel}'s options (but {@code IP_MULTICAST_IF}) plus {@code IPV6_V6ONLY}. */
        UDP("UdpSocket", List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.SO_BROADCAST,
                StandardSocketOptions.IP_TOS, StandardSocketOptions.IP_MULTICAST_TTL,
                StandardSocketOptions.IP_MULTICAST_LOOP, JmioSocketOptions.IPV6_V6ONLY)),
        /** {@code UnixStream}: the Unix-domain {@code SocketChannel}'s options. */
        UNIX_STREAM("UnixStream", List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                StandardSocketOptions.SO_LINGER)),
        /** {@code UnixListener}. */
        UNIX_LISTENER("UnixListener", List.of(StandardSocketOptions.SO_RCVBUF)),
        /** {@code UnixDatagram}. */
        UNIX_DATAGRAM("UnixDatagram", List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF));

        private final String type;
        private final List<SocketOption<?>> options;

        Kind(String type, List<SocketOption<?>> options) {
            this.type = type;
            this.options = options;
        }
    }

    private static final List<SocketOption<?>> BY_NAME = List.of(JmioSocketOptions.TCP_KEEPIDLE,
            JmioSocketOptions.TCP_KEEPINTERVAL, JmioSocketOptions.TCP_KEEPCOUNT);

    private OptionMapping() {
    }

    /**
     * @param sys  the socket system
     * @param kind the socket type
     * @param v6   an IPv6 socket (only IPv6 sockets take {@code IPV6_V6ONLY})
     * @return the options this socket takes on this OS, in a stable order
     */
    public static Set<SocketOption<?>> supported(SocketSystem sys, Kind kind, boolean v6) {
        Set<SocketOption<?>> set = new LinkedHashSet<>();
        for (SocketOption<?> o : kind.options) {
            Option native_ = o == StandardSocketOptions.SO_LINGER ? null : option(o, v6);
            if ((o != JmioSocketOptions.IPV6_V6ONLY || v6) && (native_ == null || sys.supports(native_))) {
                set.add(o);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    /**
     * Sets an option, as {@code NetworkChannel.setOption} does.
     *
     * @param sys    the socket system
     * @param s      the socket
     * @param kind   its type
     * @param v6     whether it is an IPv6 socket
     * @param name   the option
     * @param value  the value
     * @param <T>    the option's type
     * @throws IOException from {@code setsockopt}
     */
    public static <T> void set(SocketSystem sys, long s, Kind kind, boolean v6, SocketOption<T> name, T value)
            throws IOException {
        SocketOption<?> o = check(sys, kind, v6, name);
        if (value == null) {
            throw new IllegalArgumentException("invalid value null for " + o.name());
        }
        if (o == StandardSocketOptions.SO_LINGER) {
            int seconds = (Integer) value;
            sys.setLinger(s, seconds < 0 ? -1 : Math.min(seconds, 65_535)); // the JDK's cap, = Winsock's u_short
            return;
        }
        int v;
        if (value instanceof Boolean b) {
            v = b ? 1 : 0;
        } else {
            v = (Integer) value;
            if (o == StandardSocketOptions.SO_SNDBUF || o == StandardSocketOptions.SO_RCVBUF) {
                positive(o, v);
            } else if (o == StandardSocketOptions.IP_TOS || o == StandardSocketOptions.IP_MULTICAST_TTL) {
                if (v < 0 || v > 255) {
                    throw new IllegalArgumentException("invalid value " + v + " for " + o.name() + ": not in 0..255");
                }
            } else {
                positive(o, v);        // the keep-alive times and count
            }
        }
        sys.setOption(s, option(o, v6), v);
    }

    /**
     * Reads an option, as {@code NetworkChannel.getOption} does.
     *
     * @param sys  the socket system
     * @param s    the socket
     * @param kind its type
     * @param v6   whether it is an IPv6 socket
     * @param name the option
     * @param <T>  the option's type
     * @return its value ({@code SO_LINGER}: seconds, or -1 if off)
     * @throws IOException from {@code getsockopt}
     */
    public static <T> T get(SocketSystem sys, long s, Kind kind, boolean v6, SocketOption<T> name) throws IOException {
        SocketOption<?> o = check(sys, kind, v6, name);
        Object value;
        if (o == StandardSocketOptions.SO_LINGER) {
            value = sys.linger(s);
        } else if (o.type() == Boolean.class) {
            value = sys.option(s, option(o, v6)) != 0;
        } else {
            value = sys.option(s, option(o, v6));
        }
        return name.type().cast(value);
    }

    /**
     * Sets every option of a config, in order (before bind or connect).
     *
     * @param sys    the socket system
     * @param s      the new socket
     * @param kind   its type
     * @param v6     whether it is an IPv6 socket
     * @param config the options
     * @throws IOException from {@code setsockopt}
     */
    public static void apply(SocketSystem sys, long s, Kind kind, boolean v6, SocketConfig config) throws IOException {
        for (SocketOption<?> o : config.options()) {
            setAny(sys, s, kind, v6, o, config);
        }
    }

    private static <T> void setAny(SocketSystem sys, long s, Kind kind, boolean v6, SocketOption<T> o,
            SocketConfig config) throws IOException {
        set(sys, s, kind, v6, o, config.get(o));
    }

    private static void positive(SocketOption<?> o, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("invalid value " + v + " for " + o.name() + ": not positive");
        }
    }

    /** @return jmio's constant for {@code name} (the JDK's {@code jdk.net} ones map by name), checked */
    private static SocketOption<?> check(SocketSystem sys, Kind kind, boolean v6, SocketOption<?> name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        SocketOption<?> o = canonical(name);
        if (!kind.options.contains(o) || o == JmioSocketOptions.IPV6_V6ONLY && !v6) {
            throw new UnsupportedOperationException(name.name() + " is not an option of " + (v6 ? "an IPv6 " : "")
                    + kind.type + (o == JmioSocketOptions.IPV6_V6ONLY ? " (it applies to IPv6 sockets only)" : ""));
        }
        if (o != StandardSocketOptions.SO_LINGER && !sys.supports(option(o, v6))) {
            throw new UnsupportedOperationException(name.name() + " is not supported on " + osName(sys));
        }
        return o;
    }

    private static SocketOption<?> canonical(SocketOption<?> name) {
        if (name.getClass().getName().startsWith("jdk.net.")) {
            for (SocketOption<?> o : BY_NAME) {
                if (o.name().equals(name.name()) && o.type() == name.type()) {
                    return o;
                }
            }
        }
        return name;
    }

    /** @return e.g. {@code Linux (posix)}, {@code Windows 11 (winsock)} */
    static String osName(SocketSystem sys) {
        return sys.osName() + " (" + sys.name() + ")";
    }

    private static Option option(SocketOption<?> o, boolean v6) {
        if (o == StandardSocketOptions.SO_SNDBUF) {
            return Option.SEND_BUFFER;
        } else if (o == StandardSocketOptions.SO_RCVBUF) {
            return Option.RECEIVE_BUFFER;
        } else if (o == StandardSocketOptions.SO_KEEPALIVE) {
            return Option.KEEP_ALIVE;
        } else if (o == StandardSocketOptions.SO_REUSEADDR) {
            return Option.REUSE_ADDRESS;
        } else if (o == StandardSocketOptions.SO_REUSEPORT) {
            return Option.REUSE_PORT;
        } else if (o == StandardSocketOptions.SO_BROADCAST) {
            return Option.BROADCAST;
        } else if (o == StandardSocketOptions.TCP_NODELAY) {
            return Option.TCP_NO_DELAY;
        } else if (o == StandardSocketOptions.IP_TOS) {
            return v6 ? Option.IPV6_TCLASS : Option.IP_TOS;
        } else if (o == StandardSocketOptions.IP_MULTICAST_TTL) {
            return v6 ? Option.IPV6_MULTICAST_HOPS : Option.IP_MULTICAST_TTL;
        } else if (o == StandardSocketOptions.IP_MULTICAST_LOOP) {
            return v6 ? Option.IPV6_MULTICAST_LOOP : Option.IP_MULTICAST_LOOP;
        } else if (o == JmioSocketOptions.IPV6_V6ONLY) {
            return Option.IPV6_V6ONLY;
        } else if (o == JmioSocketOptions.TCP_KEEPIDLE) {
            return Option.TCP_KEEP_IDLE;
        } else if (o == JmioSocketOptions.TCP_KEEPINTERVAL) {
            return Option.TCP_KEEP_INTERVAL;
        } else if (o == JmioSocketOptions.TCP_KEEPCOUNT) {
            return Option.TCP_KEEP_COUNT;
        }
        throw new AssertionError(o);
    }
}
