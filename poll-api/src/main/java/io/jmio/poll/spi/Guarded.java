package io.jmio.poll.spi;

/**
 * A jmio socket type that exposes its {@link HandleGuard} to backends, so that a completion queue can
 * hold a reference for every operation it has in flight on the socket (the kernel then keeps the
 * descriptor number until the operation's completion is reaped, whoever closes the socket meanwhile).
 * Implemented by {@code TcpStream}, {@code TcpListener}, {@code UdpSocket}, {@code UnixStream},
 * {@code UnixListener} and {@code UnixDatagram}; not for applications.
 *
 * <p>Threading: {@link #guard()} is thread-safe; the guard's own rules apply.
 */
public interface Guarded {
    /** @return the guard of this socket's handle */
    HandleGuard guard();
}
