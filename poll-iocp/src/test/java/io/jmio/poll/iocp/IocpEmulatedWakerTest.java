package io.jmio.poll.iocp;

import io.jmio.poll.contract.WakerContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The waker contract on the IOCP selector over the Linux emulation (PostQueuedCompletionStatus). */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedWakerTest extends WakerContract {
    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
