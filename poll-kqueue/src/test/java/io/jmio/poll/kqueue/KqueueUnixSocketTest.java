package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.UnixSocketContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledIf;

/** {@link UnixSocketContract} on a real kqueue and the BSD socket layer (macOS and the BSDs; skipped on Linux). */
@EnabledIf("io.jmio.poll.kqueue.RealKqueue#available")
class KqueueUnixSocketTest extends UnixSocketContract {
    @Override
    protected PollBackend backend() {
        return new KqueueBackend();
    }
}
