/**
 * jmio's Linux backend (epoll): {@code Poll.open()} finds it as a {@code PollBackend} service.
 * Requires {@code io.jmio.poll} transitively: {@code requires io.jmio.poll.epoll} is all an application needs.
 */
@SuppressWarnings("requires-automatic") // jnr-ffi and jffi are automatic modules; there is no other name to require
module io.jmio.poll.epoll {
    requires transitive io.jmio.poll;
    requires org.jnrproject.ffi;

    // Holds the jnr-ffi binding interface (EpollLibrary.Lib), which jnr-ffi implements in its own class
    // loader's unnamed module: see io.jmio.poll's module-info. Its only public class is EpollBackend.
    exports io.jmio.poll.epoll;
    // The io_uring backend: its jnr-ffi binding (UringLibrary) is implemented in jnr-ffi's own loader too.
    exports io.jmio.poll.uring;

    provides io.jmio.poll.spi.PollBackend with io.jmio.poll.epoll.EpollBackend, io.jmio.poll.uring.UringBackend;
    provides io.jmio.poll.spi.SocketSystemProvider with io.jmio.poll.epoll.LinuxSocketsProvider;
}
