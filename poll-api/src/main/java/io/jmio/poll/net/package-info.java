/**
 * Non-blocking TCP and UDP sockets that register with a {@link io.jmio.poll.Poll}, as mio's
 * {@code net} module: {@link io.jmio.poll.net.TcpListener}, {@link io.jmio.poll.net.TcpStream},
 * {@link io.jmio.poll.net.UdpSocket}, and {@link io.jmio.poll.net.ChannelSource} for registering the
 * JDK's own channels.
 *
 * <p>Operations never block and never throw to say "not now": {@code accept} returns null, reads and
 * writes return 0 when they would block, reads return -1 at end of stream (the JDK's convention).
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
