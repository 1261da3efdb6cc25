package io.jmio.poll.contract.net;

import io.jmio.poll.Trigger;
import io.jmio.poll.iocp.IocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The network contracts on real Windows: {@code TcpListener}, {@code TcpStream} and {@code UdpSocket}
 * over the real Winsock facade ({@code ws2_32}) and the real IOCP backend. Runs on the
 * {@code windows-latest} CI job only; never run yet (these machines are Linux).
 */
@EnabledOnOs(OS.WINDOWS)
class IocpWindowsNetTest {
    private static PollBackend iocp() {
        return new IocpBackend();
    }

    @Nested
    class Listener extends TcpListenerContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }

        @Override
        @Test
        @Disabled("fills the descriptor table with POSIX pipes; Windows has no per-process socket limit to exhaust")
        void shouldReportEmfileAndAcceptAgainOnceDescriptorsAreFree() {
        }
    }

    @Nested
    class Adoption extends AdoptionContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }
    }

    @Nested
    class Options extends SocketOptionContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }
    }

    @Nested
    class Stream extends TcpStreamContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }

        @Override
        @Test
        @Disabled("write-closed comes from AFD_POLL_ABORT (a reset) on IOCP; a graceful close of both halves "
                + "reports AFD_POLL_DISCONNECT, read-closed only")
        void shouldReportHangUpWhenBothHalvesClose() {
        }

        @Override
        @Test
        @Disabled("Windows' AFD reports nothing for a socket's own shutdown(SD_RECEIVE) (Wine ws2_32/tests/afd.c, "
                + "test_poll, 'Test shutdown'); mio ignores the same test on Windows (tests/tcp_stream.rs, "
                + "tcp_shutdown_client_read_close_event).")
        void shouldReportReadClosedAfterOwnReadShutdownAndEpipeAfterBoth() {
        }
    }

    @Nested
    class Transfer extends StreamTransferContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }

        @Override
        @ParameterizedTest
        @CsvSource({"EDGE"})
        @Disabled("Unix-domain sockets are unsupported on Windows")
        void shouldTransferSixteenMebibytesBothWaysOverUnixPair(Trigger trigger) {
        }
    }

    @Nested
    class Udp extends UdpSocketContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }

        @Override
        protected boolean refusalInSocketError() {
            return false; // WSAECONNRESET from the next recv (Microsoft's recvfrom documentation)
        }
    }

    @Nested
    class Allocation extends TcpAllocationContract {
        @Override
        protected PollBackend backend() {
            return iocp();
        }
    }
}
