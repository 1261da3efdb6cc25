package io.jmio.poll.contract.net;

import io.jmio.poll.Trigger;
import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link StreamTransferContract} on the emulated Windows path: 16 MiB both ways over TCP, edge and
 * level, every would-block re-arming the IOCP registration.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedStreamTransferTest extends StreamTransferContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }

    @Override
    @ParameterizedTest
    @CsvSource({"EDGE"})
    @Disabled("Unix-domain sockets are unsupported on Windows (UnixStream.pair refuses it there)")
    void shouldTransferSixteenMebibytesBothWaysOverUnixPair(Trigger trigger) {
    }
}
