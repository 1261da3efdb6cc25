/**
 * jmio's macOS and BSD backend (kqueue): {@code Poll.open()} finds it as a {@code PollBackend} service.
 * Requires {@code io.jmio.poll} transitively: {@code requires io.jmio.poll.kqueue} is all an application needs.
 */
@SuppressWarnings("requires-automatic") // jnr-ffi and jffi are automatic modules; there is no other name to require
module io.jmio.poll.kqueue {
    requires transitive io.jmio.poll;
    requires org.jnrproject.ffi;

    // Holds the jnr-ffi binding interface (KqueueLibrary.Lib), which jnr-ffi implements in its own class
    // loader's unnamed module: see io.jmio.poll's module-info. Its only public class is KqueueBackend.
    exports io.jmio.poll.kqueue;

    provides io.jmio.poll.spi.PollBackend with io.jmio.poll.kqueue.KqueueBackend;
    provides io.jmio.poll.spi.SocketSystemProvider with io.jmio.poll.kqueue.BsdSocketsProvider;
}
