package io.jmio.poll.kqueue;

import io.jmio.poll.contract.net.TcpStreamContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TcpStreamContract} on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#DARWIN}
 * (the sockets are Linux's: the BSD socket layouts are pinned by {@code BsdSocketLayoutTest}).
 */
@EnabledOnOs(OS.LINUX)
class EmulatedDarwinTcpStreamTest extends TcpStreamContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.DARWIN);
    }
}
