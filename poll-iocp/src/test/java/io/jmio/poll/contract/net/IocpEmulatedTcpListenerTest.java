package io.jmio.poll.contract.net;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TcpListenerContract} on the emulated Windows path (Winsock facade, IOCP selector); an
 * accept that would block re-arms the listener's registration.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedTcpListenerTest extends TcpListenerContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
