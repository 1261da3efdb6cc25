package io.jmio.poll.contract.net;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link SocketOptionContract} on the emulated Windows path: the Winsock facade's option numbers,
 * translated by the emulation to Linux's; {@code SO_REUSEPORT} refused as Windows refuses it.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedSocketOptionTest extends SocketOptionContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
