package io.jmio.poll.contract.net;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TcpAllocationContract} on the emulated Windows path: reads and writes through the Winsock
 * facade, including those that would block and so re-arm the IOCP registration, allocate nothing
 * (the emulated {@code recv}/{@code send} allocate nothing either, so any allocation seen would be
 * jmio's). This measures jmio's bookkeeping only: the emulation is plain Java, so it says nothing
 * about the Windows call path, which {@code WindowsCallPathAllocationTest} (jnr-ffi's Windows
 * configuration, on Linux) and {@code IocpWindowsNetTest.Allocation} (on Windows) cover.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedTcpAllocationTest extends TcpAllocationContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }
}
