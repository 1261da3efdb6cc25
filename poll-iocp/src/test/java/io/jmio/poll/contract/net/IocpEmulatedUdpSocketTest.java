package io.jmio.poll.contract.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.net.UdpSocket;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link UdpSocketContract} on the emulated Windows path: datagrams through {@code recvfrom}/{@code sendto}
 * with Windows {@code sockaddr}s, truncation from {@code WSAEMSGSIZE}, ICMP refusal from
 * {@code WSAECONNRESET}, re-arming after a receive that would block. The contract's check of Linux's
 * {@code bindv6only} default skips itself; Winsock's default is checked here instead.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedUdpSocketTest extends UdpSocketContract {
    @BeforeAll
    static void winsock() {
        WinsockEmulation.assertSelected();
    }

    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }

    @Override
    protected boolean refusalInSocketError() {
        return false; // Windows: WSAECONNRESET from the next receive, SO_ERROR 0 (EmulatedWs2)
    }

    @Override
    @Test
    @Disabled("the emulation of ws2_32 allocates (jnr Pointers per call), so it would measure itself; the "
            + "facade's datagram path is shown allocation-free by WindowsCallPathAllocationTest")
    void shouldAllocateNothingSendingAndReceivingWhenConnected() {
    }

    @Test
    void shouldStartIpv6SocketsV6OnlyAsWinsockDoes() throws IOException {
        try (UdpSocket any = UdpSocket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
            assertTrue(any.onlyV6(), "Winsock's default is IPV6_V6ONLY on");
        }
    }
}
