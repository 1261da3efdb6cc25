package io.jmio.poll.iocp;

import io.jmio.poll.contract.ContractSources;
import io.jmio.poll.contract.PollContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The poll contract on the real Windows kernel: the IOCP backend with real AFD polls on loopback TCP
 * sockets. Runs on the {@code windows-latest} workflow only; never run yet (these machines are Linux).
 */
@EnabledOnOs(OS.WINDOWS)
class IocpWindowsPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new IocpBackend();
    }

    @Override
    protected ContractSources sources() {
        return new WinsockSources();
    }

    @Override
    protected boolean newDataIsANewEdge() {
        return false;
    }
}
