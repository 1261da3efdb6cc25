package io.jmio.poll.net;

import java.net.SocketOption;
import java.net.StandardSocketOptions;

/**
 * The socket options jmio's types take besides {@link StandardSocketOptions}, named as the JDK's
 * {@code jdk.net.ExtendedSocketOptions} names them (whose constants are accepted too, matched by
 * name), plus {@link #IPV6_V6ONLY}, which the JDK does not expose at all.
 *
 * <pre>{@code
 * stream.setOption(StandardSocketOptions.SO_KEEPALIVE, true)
 *       .setOption(JmioSocketOptions.TCP_KEEPIDLE, 60)        // seconds idle before the first probe
 *       .setOption(JmioSocketOptions.TCP_KEEPINTERVAL, 10)    // seconds between probes
 *       .setOption(JmioSocketOptions.TCP_KEEPCOUNT, 5);       // unanswered probes before the reset
 * TcpListener listener = TcpListener.bind(address, SocketConfig.create()
 *       .set(JmioSocketOptions.SO_REUSEPORT, true)           // one listener per event loop
 *       .set(JmioSocketOptions.IPV6_V6ONLY, true));          // [::]:p beside 0.0.0.0:p
 * }</pre>
 *
 * <p>Portability (the option numbers come from each OS's headers and are pinned by tests):
 * <table>
 * <caption>Where each option exists</caption>
 * <tr><th>option</th><th>Linux</th><th>macOS</th><th>FreeBSD, DragonFly</th><th>NetBSD</th><th>OpenBSD</th><th>Windows</th></tr>
 * <tr><td>{@code SO_REUSEPORT}</td><td>yes: the kernel spreads connections over the sockets</td><td>yes</td>
 *     <td>yes (no spreading; FreeBSD's {@code SO_REUSEPORT_LB} does that)</td><td>yes</td><td>yes</td><td>no</td></tr>
 * <tr><td>{@code TCP_KEEPIDLE}</td><td>{@code TCP_KEEPIDLE}</td><td>{@code TCP_KEEPALIVE}</td><td>yes</td><td>yes</td>
 *     <td>no (system-wide sysctl only)</td><td>yes (Windows 10 1709+)</td></tr>
 * <tr><td>{@code TCP_KEEPINTERVAL}, {@code TCP_KEEPCOUNT}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>no</td>
 *     <td>yes (Windows 10 1709+)</td></tr>
 * <tr><td>{@code IPV6_V6ONLY}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * </table>
 * An option the OS lacks makes {@code setOption}/{@code getOption} throw
 * {@link UnsupportedOperationException} naming the option and the OS, and is left out of
 * {@code supportedOptions()}.
 *
 * <p>Threading: constants; immutable.
 */
public final class JmioSocketOptions {
    /**
     * {@code SO_REUSEPORT}: several sockets bind the same address and port (each must set it before
     * binding). The JDK's own {@link StandardSocketOptions#SO_REUSEPORT}, repeated here so that every
     * option jmio adds to what most code sets is in one place.
     */
    public static final SocketOption<Boolean> SO_REUSEPORT = StandardSocketOptions.SO_REUSEPORT;

    /** {@code IPV6_V6ONLY}: an IPv6 socket takes IPv6 traffic only (not IPv4-mapped); set before binding. */
    public static final SocketOption<Boolean> IPV6_V6ONLY = new Option<>("IPV6_V6ONLY", Boolean.class);

    /** Seconds a TCP connection stays idle before the first keep-alive probe ({@code SO_KEEPALIVE} must be on). */
    public static final SocketOption<Integer> TCP_KEEPIDLE = new Option<>("TCP_KEEPIDLE", Integer.class);

    /** Seconds between TCP keep-alive probes. */
    public static final SocketOption<Integer> TCP_KEEPINTERVAL = new Option<>("TCP_KEEPINTERVAL", Integer.class);

    /** Unanswered TCP keep-alive probes before the connection is reset. */
    public static final SocketOption<Integer> TCP_KEEPCOUNT = new Option<>("TCP_KEEPCOUNT", Integer.class);

    private JmioSocketOptions() {
    }

    /** A named option, compared by identity as the JDK's are. */
    private static final class Option<T> implements SocketOption<T> {
        private final String name;
        private final Class<T> type;

        Option(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
