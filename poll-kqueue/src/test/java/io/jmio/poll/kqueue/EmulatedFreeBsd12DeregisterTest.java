package io.jmio.poll.kqueue;

import io.jmio.poll.contract.DeregisterContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The deregister contract on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#FREEBSD_12}. */
@EnabledOnOs(OS.LINUX)
class EmulatedFreeBsd12DeregisterTest extends DeregisterContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.FREEBSD_12);
    }
}
