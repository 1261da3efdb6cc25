package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.TcpAllocationContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TcpAllocationContract} on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#FREEBSD_12}
 * (the sockets are Linux's: the BSD socket layouts are pinned by {@code BsdSocketLayoutTest}).
 */
@EnabledOnOs(OS.LINUX)
class EmulatedFreeBsd12TcpAllocationTest extends TcpAllocationContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.FREEBSD_12);
    }
}
