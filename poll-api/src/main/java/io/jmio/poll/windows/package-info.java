/**
 * Winsock, for jmio's network types on Windows: {@link io.jmio.poll.windows.WinsockSockets} (the
 * {@link io.jmio.poll.spi.SocketSystem} and the one class that calls {@code ws2_32}), its binding
 * ({@code Ws2}), the Windows {@code sockaddr} layouts ({@code WinSockaddr}) and the error table
 * ({@link io.jmio.poll.windows.WinsockErrors}).
 *
 * <p>It lives in {@code poll-api}, not in the IOCP backend, because a socket is opened before it is
 * registered: which socket API to call depends on the operating system, not on a backend. Nothing
 * here is loaded, and {@code ws2_32} is never bound, unless the process runs on Windows (or a test
 * selects the Linux emulation of Winsock).
 */
package io.jmio.poll.windows;
