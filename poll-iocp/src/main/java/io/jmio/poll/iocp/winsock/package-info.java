/**
 * Winsock, for jmio's network types on Windows: {@link io.jmio.poll.iocp.winsock.WinsockSockets} (the
 * {@link io.jmio.poll.spi.SocketSystem} and the one class that calls {@code ws2_32}), its binding
 * ({@code Ws2}), the Windows {@code sockaddr} layouts ({@code WinSockaddr}) and the error table
 * ({@link io.jmio.poll.iocp.winsock.WinsockErrors}).
 *
 * <p>It lives in poll-iocp with the rest of the Windows code; {@link
 * io.jmio.poll.iocp.winsock.WinsockSocketsProvider} hands it to the network types through the SPI
 * ({@link io.jmio.poll.spi.SocketSystemProvider}), so poll-api carries nothing Windows-specific. Nothing
 * here is loaded, and {@code ws2_32} is never bound, unless the process runs on Windows (or a test
 * selects the Linux emulation of Winsock).
 */
package io.jmio.poll.iocp.winsock;
