package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.UnixSocketContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link UnixSocketContract} on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#FREEBSD_12}
 * (the sockets are Linux's: the BSD socket layouts are pinned by {@code BsdSocketLayoutTest}).
 */
@EnabledOnOs(OS.LINUX)
class EmulatedFreeBsd12UnixSocketTest extends UnixSocketContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.FREEBSD_12);
    }
}
