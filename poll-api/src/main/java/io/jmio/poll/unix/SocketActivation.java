package io.jmio.poll.unix;

import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.net.UdpSocket;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sockets passed by systemd socket activation ({@code sd_listen_fds(3)}): the service manager binds
 * the sockets, starts the process with them open from descriptor 3 on, and says so in the environment:
 * {@code LISTEN_FDS} (how many), {@code LISTEN_PID} (for which process; anything else means they are
 * not for this one) and optionally {@code LISTEN_FDNAMES} (colon-separated names, from
 * {@code FileDescriptorName=}).
 *
 * <pre>{@code
 * // my.socket: [Socket] ListenStream=8080      my.service: [Service] ExecStart=/usr/bin/java -jar app.jar
 * SocketActivation activation = SocketActivation.fromEnvironment();
 * TcpListener listener = activation.count() > 0
 *         ? activation.tcpListener(0)                           // systemd's socket, adopted
 *         : TcpListener.bind(new InetSocketAddress(8080));       // started by hand
 * }</pre>
 *
 * <p>Try it without systemd: {@code systemd-socket-activate -l 127.0.0.1:8080 java -cp ... Main} binds
 * the port, waits for the first connection, then starts the program with the listening socket as
 * descriptor 3 (Debian/Ubuntu: {@code apt-get install systemd}). Each adopting method checks the
 * descriptor's kind with the kernel, so a UDP socket passed where a TCP listener is expected is
 * refused ({@link TcpListener#fromFd}). Unlike {@code sd_listen_fds}, the variables are not removed
 * from the environment (Java cannot); child processes started by {@link ProcessBuilder} would not have
 * the descriptors anyway, since it closes all but 0 to 2, and their {@code LISTEN_PID} differs.
 *
 * <p>Portability: Unix (systemd is Linux's; the protocol itself is plain environment and descriptors).
 *
 * <p>Threading: immutable.
 */
public final class SocketActivation {
    /** The first passed descriptor, {@code SD_LISTEN_FDS_START}. */
    public static final int FIRST_FD = 3;

    private final int count;
    private final List<String> names;

    private SocketActivation(int count, List<String> names) {
        this.count = count;
        this.names = names;
    }

    /**
     * Reads this process's environment.
     *
     * @return what was passed to this process (none if {@code LISTEN_PID} is absent or another process's)
     * @throws IllegalArgumentException if the variables are malformed
     */
    public static SocketActivation fromEnvironment() {
        UnixOnly.check("SocketActivation");
        return parse(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * Parses an environment (for tests and wrappers).
     *
     * @param env the variables
     * @param pid this process's id
     * @return what the variables pass to process {@code pid}
     * @throws IllegalArgumentException if the variables are malformed
     */
    public static SocketActivation parse(Map<String, String> env, long pid) {
        String fds = env.get("LISTEN_FDS");
        String forPid = env.get("LISTEN_PID");
        if (fds == null || forPid == null) {
            return new SocketActivation(0, List.of());
        }
        long target;
        int n;
        try {
            target = Long.parseLong(forPid.trim());
            n = Integer.parseInt(fds.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed LISTEN_PID=" + forPid + " or LISTEN_FDS=" + fds, e);
        }
        if (target != pid) {
            return new SocketActivation(0, List.of());   // meant for another process (e.g. our parent)
        }
        if (n < 0 || n > 1 << 16) {
            throw new IllegalArgumentException("LISTEN_FDS=" + fds + " is out of range");
        }
        String namesVar = env.get("LISTEN_FDNAMES");
        List<String> names = namesVar == null ? List.of() : Arrays.asList(namesVar.split(":", -1));
        return new SocketActivation(n, names.size() == n ? List.copyOf(names) : List.of());
    }

    /** @return how many descriptors were passed, from {@link #FIRST_FD} on */
    public int count() {
        return count;
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return its descriptor number (not yet adopted)
     */
    public int fd(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("socket " + index + " of " + count + " passed");
        }
        return FIRST_FD + index;
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return its name from {@code LISTEN_FDNAMES}, or null if none was given
     */
    public String name(int index) {
        fd(index);
        return names.isEmpty() ? null : names.get(index);
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return the passed TCP listener ({@code ListenStream=} with a port), adopted
     * @throws IOException from {@link TcpListener#fromFd}
     */
    public TcpListener tcpListener(int index) throws IOException {
        return TcpListener.fromFd(fd(index));
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return the passed TCP connection ({@code Accept=yes}), adopted
     * @throws IOException from {@link TcpStream#fromFd}
     */
    public TcpStream tcpStream(int index) throws IOException {
        return TcpStream.fromFd(fd(index));
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return the passed UDP socket ({@code ListenDatagram=} with a port), adopted
     * @throws IOException from {@link UdpSocket#fromFd}
     */
    public UdpSocket udpSocket(int index) throws IOException {
        return UdpSocket.fromFd(fd(index));
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return the passed Unix-domain listener ({@code ListenStream=} with a path), adopted
     * @throws IOException from {@link UnixListener#fromFd}
     */
    public UnixListener unixListener(int index) throws IOException {
        return UnixListener.fromFd(fd(index));
    }

    /**
     * @param index 0 .. {@link #count()} - 1
     * @return the passed Unix-domain datagram socket ({@code ListenDatagram=} with a path), adopted
     * @throws IOException from {@link UnixDatagram#fromFd}
     */
    public UnixDatagram unixDatagram(int index) throws IOException {
        return UnixDatagram.fromFd(fd(index));
    }

    @Override
    public String toString() {
        return "SocketActivation(" + count + " sockets" + (names.isEmpty() ? "" : " " + names) + ")";
    }
}
