package io.jmio.poll.epoll.net;

import io.jmio.poll.contract.net.TcpAllocationContract;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link TcpAllocationContract} on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollTcpAllocationTest extends TcpAllocationContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
