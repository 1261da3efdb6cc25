/**
 * Non-blocking TCP and UDP sockets that register with a {@link io.jmio.poll.Poll}, as mio's
 * {@code net} module: {@link io.jmio.poll.net.TcpListener}, {@link io.jmio.poll.net.TcpStream},
 * {@link io.jmio.poll.net.UdpSocket}, and {@link io.jmio.poll.net.ChannelSource} for registering the
 * JDK's own channels.
 *
 * <p>Operations never block and never throw to say "not now": {@code accept} returns null, reads and
 * writes return 0 when they would block, reads return -1 at end of stream (the JDK's convention).
 *
 * <p>Portability: Unix (epoll and kqueue backends); the socket constants and {@code sockaddr} layouts
 * of each OS come from {@link io.jmio.poll.posix.SocketConstants} and
 * {@link io.jmio.poll.posix.SockaddrLayout}.
 */
package io.jmio.poll.net;
