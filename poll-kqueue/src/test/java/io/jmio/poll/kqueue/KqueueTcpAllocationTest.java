package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.TcpAllocationContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** {@link TcpAllocationContract} on a real kqueue and the BSD socket layer (macOS and the BSDs; skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueueTcpAllocationTest extends TcpAllocationContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
