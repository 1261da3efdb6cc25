package io.jmio.poll.kqueue;

import io.jmio.poll.contract.RegistryModelContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** The RegistryModel contract on a real kqueue (macOS and the BSDs; run by the kqueue workflow, skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueueRegistryModelTest extends RegistryModelContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
