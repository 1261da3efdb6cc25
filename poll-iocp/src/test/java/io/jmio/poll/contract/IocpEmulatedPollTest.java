package io.jmio.poll.contract;

import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The poll contract on the IOCP selector over the Linux emulation of completion ports and AFD polls.
 *
 * <p>It lives in the contract package only to replace two tests that cannot hold for IOCP when the
 * test does its I/O outside jmio: they expect a new edge when more data arrives (or the send buffer
 * drains) with no re-arm in between. AFD polls are level-based, so the IOCP backend, as mio's, keeps
 * a reported interest off until an I/O call that would block re-arms it, and raw {@code Fds.write}/
 * {@code Fds.drain} never do. {@code IocpSelectorTest} checks the same sequences with the re-arm.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }

    @Override
    @Test
    @Disabled("IOCP edge mode re-arms on WSAEWOULDBLOCK (SourceSocket.rearm); raw I/O in this test does not "
            + "call it. Covered with rearm by IocpSelectorTest.edgeTriggeredReportsAgainAfterRearm")
    void edgeTriggeredReportsOnceUntilNewData() {
    }

    @Override
    @Test
    @Disabled("IOCP edge mode re-arms on WSAEWOULDBLOCK (SourceSocket.rearm); raw I/O in this test does not "
            + "call it. Covered with rearm by IocpSelectorTest.writableAgainAfterFillDrainAndRearm")
    void writableAgainAfterTheBufferDrains() {
    }
}
