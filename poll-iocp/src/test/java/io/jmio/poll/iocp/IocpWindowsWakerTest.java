package io.jmio.poll.iocp;

import io.jmio.poll.contract.WakerContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The waker contract on the real Windows kernel ({@code PostQueuedCompletionStatus}); Windows only. */
@EnabledOnOs(OS.WINDOWS)
class IocpWindowsWakerTest extends WakerContract {
    @Override
    protected PollBackend backend() {
        return new IocpBackend();
    }
}
