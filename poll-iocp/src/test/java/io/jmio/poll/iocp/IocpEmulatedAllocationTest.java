package io.jmio.poll.iocp;

import io.jmio.poll.contract.AllocationContract;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The allocation contract on the IOCP selector over the Linux emulation. The emulation allocates
 * nothing in steady state either, so a failure here points at the selector. It is no evidence for
 * Windows: the emulation never calls native code the way the real backend does; see
 * {@code WindowsCallPathAllocationTest} and {@code IocpWindowsAllocationTest}.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedAllocationTest extends AllocationContract {
    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
