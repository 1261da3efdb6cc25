package io.jmio.poll.epoll;

import io.jmio.poll.contract.AllocationContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The allocation contract on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollAllocationTest extends AllocationContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
