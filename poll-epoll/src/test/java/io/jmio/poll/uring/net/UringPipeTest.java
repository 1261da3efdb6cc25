package io.jmio.poll.uring.net;

import io.jmio.poll.contract.net.PipeContract;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.uring.UringTestBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link PipeContract} on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringPipeTest extends PipeContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
