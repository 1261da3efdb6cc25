package io.jmio.poll.epoll;

import io.jmio.poll.contract.PollContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The poll contract on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
