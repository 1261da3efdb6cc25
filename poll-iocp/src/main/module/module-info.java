/**
 * jmio's Windows backend (IOCP): {@code Poll.open()} finds it as a {@code PollBackend} service.
 * Requires {@code io.jmio.poll} transitively: {@code requires io.jmio.poll.iocp} is all an application needs.
 */
@SuppressWarnings("requires-automatic") // jnr-ffi and jffi are automatic modules; there is no other name to require
module io.jmio.poll.iocp {
    requires transitive io.jmio.poll;
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;

    // Holds the jnr-ffi binding interfaces (IocpLibrary.Kernel32, .Ntdll, .Ws2_32), which jnr-ffi implements
    // in its own class loader's unnamed module: see io.jmio.poll's module-info. Its only public class is
    // IocpBackend.
    exports io.jmio.poll.iocp;
    // Winsock: its binding (Ws2.Lib) and the provider that hands WinsockSockets to the network types.
    exports io.jmio.poll.iocp.winsock;

    provides io.jmio.poll.spi.PollBackend with io.jmio.poll.iocp.IocpBackend;
    provides io.jmio.poll.spi.SocketSystemProvider with io.jmio.poll.iocp.winsock.WinsockSocketsProvider;
}
