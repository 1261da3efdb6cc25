package io.jmio.poll.kqueue;

import io.jmio.poll.contract.WakerContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** The Waker contract on a real kqueue (macOS and the BSDs; run by the kqueue workflow, skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueueWakerTest extends WakerContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
