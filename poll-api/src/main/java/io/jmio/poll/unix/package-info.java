/**
 * Unix-only sources: Unix-domain sockets ({@link io.jmio.poll.unix.UnixListener},
 * {@link io.jmio.poll.unix.UnixStream}, {@link io.jmio.poll.unix.UnixDatagram}, addressed by
 * {@link io.jmio.poll.unix.UnixAddress}, Linux's abstract namespace included) and pipes
 * ({@link io.jmio.poll.unix.Pipe}), as mio's {@code net::Unix*} and {@code unix::pipe}.
 *
 * <p>Portability: Linux, macOS and the BSDs; {@code sun_path} sizes per OS come from
 * {@link io.jmio.poll.posix.SockaddrUnDescriptor}. On Windows every factory throws an
 * {@link UnsupportedOperationException} saying so, before any native call.
 */
package io.jmio.poll.unix;
