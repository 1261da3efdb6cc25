package io.jmio.poll.iocp;

import io.jmio.poll.contract.AllocationContract;
import io.jmio.poll.contract.ContractSources;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The allocation contract on the real Windows kernel: poll, iteration, wake, register and reregister
 * through the real kernel32/ntdll/ws2_32 calls ({@code NativeFunction}), on loopback TCP sockets.
 * Linux shows the same call path allocation-free in jnr-ffi's Windows configuration
 * ({@code WindowsCallPathAllocationTest}); this is the proof on Windows itself. Runs on the
 * {@code windows-latest} workflow only; never run yet.
 */
@EnabledOnOs(OS.WINDOWS)
class IocpWindowsAllocationTest extends AllocationContract {
    @Override
    protected PollBackend backend() {
        return new IocpBackend();
    }

    @Override
    protected ContractSources sources() {
        return new WinsockSources();
    }
}
