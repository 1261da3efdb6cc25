/**
 * Non-blocking TCP and UDP sockets that register with a {@link io.jmio.poll.Poll}, as mio's
 * {@code net} module: {@link io.jmio.poll.net.TcpListener}, {@link io.jmio.poll.net.TcpStream},
 * {@link io.jmio.poll.net.UdpSocket}, and {@link io.jmio.poll.net.ChannelSource} for registering the
 * JDK's own channels.
 *
 * <p>Operations never block and never throw to say "not now": {@code accept} returns null, reads and
 * writes return 0 when they would block, reads return -1 at end of stream (the JDK's convention).
 *
 * <p><b>Options</b> are the JDK's: {@code setOption}/{@code getOption}/{@code supportedOptions} with
 * {@link java.net.StandardSocketOptions} and {@link io.jmio.poll.net.JmioSocketOptions} (keep-alive
 * tuning, {@code IPV6_V6ONLY}); the ones that only work before {@code bind} ({@code SO_REUSEPORT},
 * {@code IPV6_V6ONLY}, a large {@code SO_RCVBUF}) go in a {@link io.jmio.poll.net.SocketConfig} passed to
 * {@code bind}/{@code connect}. <b>Adoption</b>: {@code fromFd} takes a socket descriptor opened
 * elsewhere (its kind checked with the kernel), {@code fromChannel} one out of a JDK channel,
 * {@link io.jmio.poll.unix.SocketActivation} those systemd passes; {@code releaseFd} hands one back
 * without closing it.
 *
 * <p>Portability: Unix and Windows. The types call the process's
 * {@link io.jmio.poll.spi.SocketSystem}, chosen once and supplied by the module that owns the OS
(poll-epoll, poll-kqueue, poll-iocp): POSIX sockets on Linux, macOS and the BSDs
 * ({@link io.jmio.poll.posix.PosixSockets}, with each OS's constants and {@code sockaddr} layouts), and
 * Winsock on Windows ({@code WinsockSockets} in poll-iocp). On Windows a socket is a 64-bit
 * {@code SOCKET} ({@code rawHandle()}; {@code rawFd()} refuses), registers as a
 * {@link io.jmio.poll.SourceSocket}, and every operation that would block re-arms its edge-triggered
 * IOCP registration, so the drain-until-would-block rule works unchanged. A registered socket that is
 * closed is deregistered first on Windows. {@link io.jmio.poll.net.ChannelSource} is Unix-only.
 */
package io.jmio.poll.net;
