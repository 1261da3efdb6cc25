package io.jmio.poll.kqueue;

import io.jmio.poll.contract.DeregisterContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The deregister contract on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#DARWIN}. */
@EnabledOnOs(OS.LINUX)
class EmulatedDarwinDeregisterTest extends DeregisterContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.DARWIN);
    }
}
