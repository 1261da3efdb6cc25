package io.jmio.poll.uring;

import io.jmio.poll.contract.RegistryModelContract;
import io.jmio.poll.spi.PollBackend;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The RegistryModel contract on a real io_uring instance (skipped, with the reason, where io_uring is unavailable). */
@EnabledOnOs(OS.LINUX)
class UringRegistryModelTest extends RegistryModelContract {
    @Override
    protected PollBackend backend() {
        return UringTestBackend.available();
    }

    /** A poll request holds its file: see {@link UringClosedDescriptorTest} for what happens without deregistering. */
    @Override
    protected boolean registrationOutlivesClose() {
        return true;
    }
}
