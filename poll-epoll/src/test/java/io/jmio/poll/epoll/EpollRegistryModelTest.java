package io.jmio.poll.epoll;

import io.jmio.poll.contract.RegistryModelContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The RegistryModel contract on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollRegistryModelTest extends RegistryModelContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
