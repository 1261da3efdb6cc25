package io.jmio.poll.net;

import java.net.SocketOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Socket options to set on a new socket <em>before</em> it binds or connects: what
 * {@code SO_REUSEPORT}, {@link JmioSocketOptions#IPV6_V6ONLY} and a receive buffer large enough for TCP
 * window scaling need. The JDK's way is open, {@code setOption}, then {@code bind}; jmio's sockets are
 * born bound, so the options travel with the bind:
 *
 * <pre>{@code
 * SocketConfig perLoop = SocketConfig.create()
 *         .set(StandardSocketOptions.SO_REUSEPORT, true)
 *         .set(StandardSocketOptions.SO_RCVBUF, 1 << 20);
 * TcpListener listener = TcpListener.bind(new InetSocketAddress(8080), perLoop);
 * UdpSocket udp = UdpSocket.bind(new InetSocketAddress("::", 5353), SocketConfig.create()
 *         .set(JmioSocketOptions.IPV6_V6ONLY, true));
 * }</pre>
 *
 * <p>The options are set in the order given, after the socket's defaults (a TCP listener's
 * {@code SO_REUSEADDR} on Unix, which an explicit {@code SO_REUSEADDR false} here overrides) and before
 * {@code bind}/{@code connect}. Each is checked as {@code setOption} checks it: an option the socket
 * type does not take, or the OS lacks, fails the bind with {@link UnsupportedOperationException}; a bad
 * value with {@link IllegalArgumentException}; and the half-made socket is closed. Values are checked
 * against the option's type here, at {@link #set}.
 *
 * <p>Threading: not thread-safe while being built; a finished config may be shared by any number of
 * threads binding sockets with it, provided nobody calls {@link #set} any more.
 */
public final class SocketConfig {
    private final Map<SocketOption<?>, Object> values = new LinkedHashMap<>();

    private SocketConfig() {
    }

    /** @return an empty config */
    public static SocketConfig create() {
        return new SocketConfig();
    }

    /**
     * Sets an option (again: the last value wins, in the first position).
     *
     * @param name  the option, e.g. {@link java.net.StandardSocketOptions#SO_REUSEPORT}
     * @param value its value, not null
     * @param <T>   its type
     * @return this
     */
    public <T> SocketConfig set(SocketOption<T> name, T value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, () -> "value of " + name.name());
        values.put(name, name.type().cast(value));
        return this;
    }

    /** @return the options set, in order */
    public Set<SocketOption<?>> options() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /**
     * @param name an option
     * @param <T>  its type
     * @return its value, or null if not set
     */
    public <T> T get(SocketOption<T> name) {
        return name.type().cast(values.get(name));
    }

    @Override
    public String toString() {
        return "SocketConfig" + values;
    }
}
