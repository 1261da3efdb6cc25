package io.jmio.poll.contract;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.iocp.EmulatedIocpBackend;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The poll contract on the IOCP selector over the Linux emulation of completion ports and AFD polls,
 * all 28 cases. The emulated "sockets" are Linux descriptors; the contract's would-block hook re-arms
 * them through {@link SourceSocket#rearm}, as jmio's socket types do after every operation that would
 * block (AFD polls are level-based, so IOCP's edge mode, as mio's, keeps a reported interest off until
 * then). The class lives in the contract package to reach the descriptor of a Unix endpoint.
 */
@EnabledOnOs(OS.LINUX)
class IocpEmulatedPollTest extends PollContract {
    @Override
    protected PollBackend backend() {
        return new EmulatedIocpBackend();
    }

    @Override
    protected boolean newDataIsANewEdge() {
        return false;
    }

    @Override
    protected ContractSources sources() {
        return new Rearming();
    }

    /** Unix endpoints whose would-block re-arms the emulated IOCP registration. */
    private static final class Rearming implements ContractSources {
        private final ContractSources unix = ContractSources.unix();

        @Override
        public Endpoint[] pipe() throws IOException {
            return unix.pipe();
        }

        @Override
        public Endpoint[] socketPair() throws IOException {
            return unix.socketPair();
        }

        @Override
        public Source closedSource() throws IOException {
            return unix.closedSource();
        }

        @Override
        public int openHandleCount() {
            return unix.openHandleCount();
        }

        @Override
        public void wouldBlock(Registry registry, Endpoint e, Interest interests) throws IOException {
            new SourceSocket(((UnixSources.FdEndpoint) e).fd).rearm(registry, interests);
        }
    }
}
