package io.jmio.poll.kqueue;

import io.jmio.poll.contract.PollContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** The Poll contract on a real kqueue (macOS and the BSDs; run by the kqueue workflow, skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueuePollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
