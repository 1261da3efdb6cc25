package io.jmio.poll.epoll;

import io.jmio.poll.contract.ConcurrencyContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The Concurrency contract on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollConcurrencyTest extends ConcurrencyContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
