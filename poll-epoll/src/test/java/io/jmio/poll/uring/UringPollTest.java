package io.jmio.poll.uring;

import io.jmio.poll.contract.PollContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The Poll contract on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
