/**
 * jmio's API: {@code Poll}, {@code Registry}, {@code Token}, {@code Interest}, {@code Events}, {@code Waker},
 * the network types and the backend SPI. A backend module ({@code io.jmio.poll.epoll},
 * {@code io.jmio.poll.kqueue}, {@code io.jmio.poll.iocp}) provides {@code PollBackend}; {@code Poll.open()}
 * finds it with {@link java.util.ServiceLoader}.
 *
 * <p>Kept in step by hand with the packages: a package added under src/main/java that holds API or a jnr-ffi
 * binding interface needs its {@code exports} line here (the consumer test's module-path run,
 * {@code .ci/consumer-test modular}, fails otherwise).
 */
@SuppressWarnings("requires-automatic") // jnr-ffi and jffi are automatic modules; there is no other name to require
module io.jmio.poll {
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;
    // jnr-ffi is an automatic module, which cannot say what it needs: on the module path nothing else
    // resolves the ASM modules it generates its bindings with (ClassNotFoundException:
    // org.objectweb.asm.ClassVisitor at the first LibraryLoader.load). Required here on its behalf.
    requires org.objectweb.asm;
    requires org.objectweb.asm.commons;
    requires org.objectweb.asm.tree;
    requires org.objectweb.asm.tree.analysis;
    requires org.objectweb.asm.util;

    exports io.jmio.poll;
    exports io.jmio.poll.net;
    exports io.jmio.poll.unix;
    exports io.jmio.poll.spi;
    exports io.jmio.poll.completion;

    // Not API. Exported to every module, not only to the backends that use them, because jnr-ffi defines
    // the class implementing a binding interface (LibC.Lib) in a class loader of its own, in that
    // loader's unnamed module, and the JVM lets it implement the interface only if its package is exported
    // to that module (IllegalAccessError "superinterface check failed" otherwise). A qualified export cannot
    // name an unnamed module.
    exports io.jmio.poll.posix;

    uses io.jmio.poll.spi.PollBackend;
    uses io.jmio.poll.spi.SocketSystemProvider;
    uses io.jmio.poll.spi.CompletionBackend;
}
