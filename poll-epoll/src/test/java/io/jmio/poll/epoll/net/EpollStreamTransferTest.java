package io.jmio.poll.epoll.net;

import io.jmio.poll.contract.net.StreamTransferContract;
import io.jmio.poll.epoll.EpollBackend;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link StreamTransferContract} on a real Linux epoll instance. */
@EnabledOnOs(OS.LINUX)
class EpollStreamTransferTest extends StreamTransferContract {
    @Override
    protected PollBackend backend() {
        return new EpollBackend();
    }
}
