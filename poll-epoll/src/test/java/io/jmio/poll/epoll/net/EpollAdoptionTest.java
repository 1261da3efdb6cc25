package io.jmio.poll.epoll.net;

import io.jmio.poll.contract.net.AdoptionContract;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link AdoptionContract} on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollAdoptionTest extends AdoptionContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
