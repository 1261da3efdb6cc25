package io.jmio.poll.contract.net;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link AdoptionContract} on the emulated Windows path: sockets are SOCKET handles there, so the
 * descriptor forms (fromFd, releaseFd) are refused as on Windows.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedAdoptionTest extends AdoptionContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
