package io.jmio.poll.iocp;

/**
 * What the Winsock emulation ({@code io.jmio.poll.iocp.winsock.EmulatedWs2}) tells the AFD emulation
 * ({@link EmulatedIocp}) about a socket, where Windows' AFD driver knows it from the socket itself:
 * that it was closed ({@code AFD_POLL_LOCAL_CLOSE}), that a connect is under way (a refusal is then
 * {@code AFD_POLL_CONNECT_FAIL} alone), that it listens ({@code AFD_POLL_ACCEPT}), that its own
 * receive side was shut down (no event at all).
 *
 * <p>Threading: thread-safe; the flags live in {@link EmulatedIocp}'s per-descriptor table.
 */
public final class EmulatedAfd {
    private EmulatedAfd() {
    }

    /** {@code closesocket(s)} is about to close the descriptor: complete its polls with LOCAL_CLOSE. */
    public static void localClose(long s) {
        EmulatedIocp.localCloseAll(s);
    }

    /** A non-blocking connect of {@code s} is under way. */
    public static void connecting(long s) {
        EmulatedIocp.setFlag(s, EmulatedIocp.CONNECTING, true);
    }

    /** {@code s} listens. */
    public static void listening(long s) {
        EmulatedIocp.setFlag(s, EmulatedIocp.LISTENING, true);
    }

    /** {@code shutdown(s, SD_RECEIVE or SD_BOTH)}. */
    public static void receiveShutDown(long s) {
        EmulatedIocp.setFlag(s, EmulatedIocp.READ_SHUT, true);
    }

    /** A new socket got descriptor {@code s}: forget what its previous user had set. */
    public static void opened(long s, boolean datagram) {
        EmulatedIocp.clearFlags(s);
        EmulatedIocp.setFlag(s, EmulatedIocp.DATAGRAM, datagram);
    }
}
