package io.jmio.poll.epoll;

import io.jmio.poll.contract.DeregisterContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The deregister contract on a real Linux epoll instance (whose EBADF for a closed fd is reported as ENOENT). */
@EnabledOnOs(OS.LINUX)
class EpollDeregisterTest extends DeregisterContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
