package io.jmio.poll.kqueue;

import io.jmio.poll.contract.DeregisterContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** The deregister contract on a real kqueue (macOS and the BSDs; run by the kqueue workflow, skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueueDeregisterTest extends DeregisterContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
