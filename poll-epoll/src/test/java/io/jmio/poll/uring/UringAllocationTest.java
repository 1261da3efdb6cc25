package io.jmio.poll.uring;

import io.jmio.poll.contract.AllocationContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The Allocation contract on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringAllocationTest extends AllocationContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }
}
