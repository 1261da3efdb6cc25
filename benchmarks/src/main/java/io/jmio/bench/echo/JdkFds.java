package io.jmio.bench.echo;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;

/**
 * The file descriptor of a JDK socket channel, for handing sockets the JDK accepted to jmio's poll
 * ({@code sun.nio.ch.SelChImpl.getFDVal()}; needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, which the benchmarks' forks get).
 *
 * <p>Threading: stateless and thread-safe.
 */
final class JdkFds {
    private static final Method GET_FD_VAL;

    static {
        Method m = null;
        try {
            m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException e) {
            // reported by fd()
        }
        GET_FD_VAL = m;
    }

    private JdkFds() {
    }

    static int fd(SelectableChannel channel) throws IOException {
        try {
            return (Integer) GET_FD_VAL.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the fd of " + channel
                    + " (run with --add-exports java.base/sun.nio.ch=ALL-UNNAMED)", e);
        }
    }
}
