package io.jmio.poll.uring.net;

import io.jmio.poll.contract.net.TcpListenerContract;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.uring.UringTestBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link TcpListenerContract} on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringTcpListenerTest extends TcpListenerContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
