package io.jmio.poll.epoll;

import io.jmio.poll.contract.WakerContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The waker contract on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollWakerTest extends WakerContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
