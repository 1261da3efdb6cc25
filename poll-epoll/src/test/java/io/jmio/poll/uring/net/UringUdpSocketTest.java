package io.jmio.poll.uring.net;

import io.jmio.poll.contract.net.UdpSocketContract;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.uring.UringTestBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link UdpSocketContract} on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringUdpSocketTest extends UdpSocketContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
