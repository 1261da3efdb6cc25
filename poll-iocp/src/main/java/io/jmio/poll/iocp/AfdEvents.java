package io.jmio.poll.iocp;

import io.jmio.poll.Interest;

/**
 * The AFD poll event bits and their meaning in jmio: which bits each {@link Interest} asks the driver
 * for, and which reported bits make an event readable, writable, closed or in error.
 *
 * <p>Bit values are those of the AFD driver's interface ({@code AFD_POLL_*}, as ReactOS and wepoll
 * declare them):
 * <table>
 *   <caption>AFD poll bits</caption>
 *   <tr><th>bit</th><th>value</th><th>the driver reports it when</th><th>jmio decodes it as</th></tr>
 *   <tr><td>{@code AFD_POLL_RECEIVE}</td><td>0x001</td><td>data can be received</td><td>readable</td></tr>
 *   <tr><td>{@code AFD_POLL_RECEIVE_EXPEDITED}</td><td>0x002</td><td>out-of-band data is waiting</td><td>not requested</td></tr>
 *   <tr><td>{@code AFD_POLL_SEND}</td><td>0x004</td><td>data can be sent</td><td>writable</td></tr>
 *   <tr><td>{@code AFD_POLL_DISCONNECT}</td><td>0x008</td><td>the peer shut down sending (FIN)</td><td>readable, read-closed</td></tr>
 *   <tr><td>{@code AFD_POLL_ABORT}</td><td>0x010</td><td>the connection was reset</td><td>readable, writable, read-closed, write-closed, error</td></tr>
 *   <tr><td>{@code AFD_POLL_LOCAL_CLOSE}</td><td>0x020</td><td>this process closed the socket</td><td>never reported: the registration goes inert</td></tr>
 *   <tr><td>{@code AFD_POLL_CONNECT}</td><td>0x040</td><td>a connect completed</td><td>writable, but never requested ({@code SEND} follows a connect)</td></tr>
 *   <tr><td>{@code AFD_POLL_ACCEPT}</td><td>0x080</td><td>a connection waits to be accepted</td><td>readable</td></tr>
 *   <tr><td>{@code AFD_POLL_CONNECT_FAIL}</td><td>0x100</td><td>a connect failed</td><td>readable, writable, read-closed, write-closed, error</td></tr>
 *   <tr><td>(jmio) {@link #POLL_FAILED}</td><td>1&lt;&lt;30</td><td>the poll request itself failed</td><td>error</td></tr>
 *   <tr><td>(jmio) {@link #WAKER}</td><td>1&lt;&lt;29</td><td>a {@code Waker} posted a packet</td><td>readable</td></tr>
 * </table>
 *
 * <p>{@link Interest#READABLE} asks for {@code RECEIVE | ACCEPT | DISCONNECT | ABORT | CONNECT_FAIL};
 * {@link Interest#WRITABLE} for {@code SEND | ABORT | CONNECT_FAIL}: errors are reported whatever the
 * interest, as epoll always reports {@code EPOLLERR}. Every poll also asks for {@code LOCAL_CLOSE}, which
 * tells the backend that the socket is gone. {@code PRIORITY}, {@code AIO} and {@code LIO} interests are
 * refused: Windows has no such readiness.
 *
 * <p>Threading: constants and pure functions.
 */
final class AfdEvents {
    static final int RECEIVE = 0x0001;
    static final int RECEIVE_EXPEDITED = 0x0002;
    static final int SEND = 0x0004;
    static final int DISCONNECT = 0x0008;
    static final int ABORT = 0x0010;
    static final int LOCAL_CLOSE = 0x0020;
    static final int CONNECT = 0x0040;
    static final int ACCEPT = 0x0080;
    static final int CONNECT_FAIL = 0x0100;

    /** Not a driver bit: the poll request failed (its status block holds an error NTSTATUS). */
    static final int POLL_FAILED = 1 << 30;
    /** Not a driver bit: the event of a {@code Waker}. */
    static final int WAKER = 1 << 29;

    /** The bits a readable interest asks for. */
    static final int READABLE_INTEREST = RECEIVE | ACCEPT | DISCONNECT | ABORT | CONNECT_FAIL;
    /** The bits a writable interest asks for. */
    static final int WRITABLE_INTEREST = SEND | ABORT | CONNECT_FAIL;

    // As mio's sys/windows/event.rs: a reset or a failed connect is readable and writable too, so that
    // "on readable, read; on writable, write or take the error" meets the failure on every backend, as
    // epoll's EPOLLIN|EPOLLOUT|EPOLLERR|EPOLLHUP does; a failed connect is read-closed as well.
    static final int READABLE = RECEIVE | ACCEPT | DISCONNECT | ABORT | CONNECT_FAIL | WAKER;
    static final int WRITABLE = SEND | CONNECT | ABORT | CONNECT_FAIL;
    static final int ERROR = ABORT | CONNECT_FAIL | POLL_FAILED;
    static final int READ_CLOSED = DISCONNECT | ABORT | CONNECT_FAIL;
    static final int WRITE_CLOSED = ABORT | CONNECT_FAIL;

    /** Every bit this backend asks the driver for. */
    static final int KNOWN = READABLE_INTEREST | WRITABLE_INTEREST;

    private AfdEvents() {
    }

    /**
     * @param interests {@link Interest} bits
     * @return the AFD bits to poll for
     * @throws UnsupportedOperationException for priority, AIO or LIO interest
     */
    static int fromInterest(int interests) {
        if ((interests & (Interest.PRIORITY_BIT | Interest.AIO_BIT | Interest.LIO_BIT)) != 0) {
            throw new UnsupportedOperationException("the iocp backend does not support " + Interest.ofBits(interests)
                    + ": Windows sockets report readable and writable only (PRIORITY is epoll's, AIO and LIO kqueue's)");
        }
        int afd = 0;
        if ((interests & Interest.READABLE_BIT) != 0) {
            afd |= READABLE_INTEREST;
        }
        if ((interests & Interest.WRITABLE_BIT) != 0) {
            afd |= WRITABLE_INTEREST;
        }
        return afd;
    }

    static boolean isReadable(int events) {
        return (events & READABLE) != 0;
    }

    static boolean isWritable(int events) {
        return (events & WRITABLE) != 0;
    }

    static boolean isError(int events) {
        return (events & ERROR) != 0;
    }

    static boolean isReadClosed(int events) {
        return (events & READ_CLOSED) != 0;
    }

    static boolean isWriteClosed(int events) {
        return (events & WRITE_CLOSED) != 0;
    }

    private static final int[] BITS = {RECEIVE, RECEIVE_EXPEDITED, SEND, DISCONNECT, ABORT, LOCAL_CLOSE, CONNECT, ACCEPT,
        CONNECT_FAIL, POLL_FAILED, WAKER};
    private static final String[] NAMES = {"AFD_POLL_RECEIVE", "AFD_POLL_RECEIVE_EXPEDITED", "AFD_POLL_SEND",
        "AFD_POLL_DISCONNECT", "AFD_POLL_ABORT", "AFD_POLL_LOCAL_CLOSE", "AFD_POLL_CONNECT", "AFD_POLL_ACCEPT",
        "AFD_POLL_CONNECT_FAIL", "POLL_FAILED", "WAKER"};

    /** @return the bits by name, e.g. {@code AFD_POLL_RECEIVE|AFD_POLL_SEND}, for diagnostics */
    static String toString(int events) {
        StringBuilder sb = new StringBuilder();
        int rest = events;
        for (int k = 0; k < BITS.length; k++) {
            if ((events & BITS[k]) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(NAMES[k]);
                rest &= ~BITS[k];
            }
        }
        if (rest != 0) {
            sb.append(sb.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
