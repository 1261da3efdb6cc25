package io.jmio.poll.kqueue;

import io.jmio.poll.contract.PollContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The Poll contract on jmio's kqueue selector over the epoll emulation, as {@link KqueueAbi#DARWIN}. */
@EnabledOnOs(OS.LINUX)
class EmulatedDarwinPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new KqueueEmulatedBackend(KqueueAbi.DARWIN);
    }
}
