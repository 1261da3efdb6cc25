package io.jmio.poll.uring.net;

import io.jmio.poll.contract.net.TcpAllocationContract;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.uring.UringTestBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link TcpAllocationContract} on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringTcpAllocationTest extends TcpAllocationContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
