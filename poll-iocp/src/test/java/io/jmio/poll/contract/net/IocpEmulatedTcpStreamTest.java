package io.jmio.poll.contract.net;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TcpStreamContract} on the Windows code path, emulated on Linux: {@code TcpStream} over the
 * Winsock facade (over an emulated {@code ws2_32}), registered as a {@code SourceSocket} with the IOCP
 * selector (over emulated completion ports and AFD polls). The edge-triggered tests pass only if the
 * stream's reads and writes that would block re-arm the registration. The PRIORITY test skips itself
 * (it is epoll's).
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedTcpStreamTest extends TcpStreamContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }

    /**
     * An edge-triggered IOCP registration is re-armed only by an operation that would block, so a loop that
     * stopped at a "drained" report would never hear from the socket again: the mode is refused on Windows.
     */
    @Test
    void shouldRefuseDrainDetection() throws Exception {
        try (TcpPair pair = TcpPair.open(backend())) {
            UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(
                    UnsupportedOperationException.class, () -> pair.server.setDrainDetection(true));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("IOCP"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertFalse(pair.server.drainDetection());
        }
    }

    @Override
    @Test
    @Disabled("write-closed comes from AFD_POLL_ABORT (a reset) on IOCP; a graceful close of both halves is "
            + "AFD_POLL_DISCONNECT, read-closed only, and the emulation maps EPOLLHUP to DISCONNECT as well")
    void shouldReportHangUpWhenBothHalvesClose() {
    }

    @Override
    @Test
    @Disabled("Windows' AFD reports nothing for a socket's own shutdown(SD_RECEIVE) (Wine ws2_32/tests/afd.c, "
            + "test_poll, 'Test shutdown'); mio ignores the same test on Windows (tests/tcp_stream.rs, "
            + "tcp_shutdown_client_read_close_event). IocpEmulatedShapesTest shows the emulation reports nothing too")
    void shouldReportReadClosedAfterOwnReadShutdownAndEpipeAfterBoth() {
    }
}
