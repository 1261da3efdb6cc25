package io.jmio.poll.epoll.net;

import io.jmio.poll.contract.net.SocketOptionContract;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link SocketOptionContract} on a real Linux epoll instance and the real kernel's options. */
@EnabledOnOs(OS.LINUX)
class EpollSocketOptionTest extends SocketOptionContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
