package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.PipeContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** {@link PipeContract} on a real kqueue and the BSD socket layer (macOS and the BSDs; skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueuePipeTest extends PipeContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
