package io.jmio.poll.net;

import io.jmio.poll.Interest;
import io.jmio.poll.Registry;
import io.jmio.poll.Source;
import io.jmio.poll.SourceFd;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;

import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * Registers one of the JDK's own channels ({@link java.nio.channels.SocketChannel},
 * {@link java.nio.channels.ServerSocketChannel}, {@link java.nio.channels.DatagramChannel}, the ends of
 * a {@link java.nio.channels.Pipe}) with a jmio {@link io.jmio.poll.Poll}, by its file descriptor.
 *
 * <pre>{@code
 * SocketChannel channel = SocketChannel.open(address);
 * ChannelSource source = ChannelSource.of(channel);      // puts it in non-blocking mode
 * poll.registry().register(source, Token.of(5), Interest.READABLE);
 * channel.read(buffer);                                  // I/O stays with the JDK channel
 * }</pre>
 *
 * <p><b>JVM flag.</b> The JDK keeps a channel's descriptor private; reading it needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (or {@code --add-opens} of the same package); on the
 * module path the target is jmio's module: {@code --add-exports java.base/sun.nio.ch=io.jmio.poll}.
 * Without it {@link #of} fails with an {@link UnsupportedOperationException} naming the flag.
 *
 * <p>The channel stays the JDK's: this source neither reads nor closes it. Deregister before closing the
 * channel (the JDK may keep the descriptor number alive for a while after {@code close}).
 *
 * <p>Portability: Unix (epoll and kqueue backends); {@link #of} throws
 * {@link UnsupportedOperationException} on Windows.
 *
 * <p>Threading: immutable; safe to use from any thread, as {@link SourceFd}.
 */
public final class ChannelSource implements Source {
    /** The flag {@link #of} needs on the class path (on the module path: {@code =io.jmio.poll}). */
    public static final String REQUIRED_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

    /** The module the flag must name: jmio's own when it runs as a named module, else ALL-UNNAMED. */
    private static final String FLAG_TARGET = ChannelSource.class.getModule().isNamed()
            ? ChannelSource.class.getModule().getName() : "ALL-UNNAMED";

    private final SelectableChannel channel;
    private final SourceFd source;

    private ChannelSource(SelectableChannel channel, int fd) {
        this.channel = channel;
        this.source = new SourceFd(fd);
    }

    /**
     * Wraps a JDK channel, switching it to non-blocking mode.
     *
     * @param channel an open JDK channel
     * @return a source for it
     * @throws ClosedChannelException        if the channel is closed
     * @throws UnsupportedOperationException if the JVM was started without {@value #REQUIRED_FLAG}, or
     *                                       the channel is not one of the JDK's own
     * @throws IOException                   if switching to non-blocking mode fails
     */
    public static ChannelSource of(SelectableChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (io.jmio.poll.posix.Platform.current() == io.jmio.poll.posix.Platform.WINDOWS) {
            throw new UnsupportedOperationException("ChannelSource is unsupported on Windows: the JDK's own I/O on"
                    + " the channel would not re-arm edge-triggered IOCP registrations; use jmio's TcpStream,"
                    + " TcpListener and UdpSocket");
        }
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        int fd = FdAccess.fdOf(channel);
        channel.configureBlocking(false);
        return new ChannelSource(channel, fd);
    }

    /** @return the wrapped channel */
    public SelectableChannel channel() {
        return channel;
    }

    /** @return the channel's descriptor */
    public int fd() {
        return source.fd();
    }

    @Override
    public void register(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, Token token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.reregister(registry, token, interests, trigger);
    }

    @Override
    public void register(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.register(registry, token, interests, trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interests, Trigger trigger) throws IOException {
        checkOpen();
        source.reregister(registry, token, interests, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        checkOpen();
        source.deregister(registry);
    }

    private void checkOpen() throws ClosedChannelException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "ChannelSource(" + channel + ", fd " + source.fd() + ")";
    }

    /** Reads {@code sun.nio.ch.SelChImpl#getFDVal()}, looked up once. */
    private static final class FdAccess {
        private static final Method GET_FD_VAL;
        private static final RuntimeException UNAVAILABLE;

        static {
            Method method = null;
            RuntimeException failure = null;
            try {
                method = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = new UnsupportedOperationException(
                        "cannot find sun.nio.ch.SelChImpl#getFDVal in this JDK to read a channel's descriptor", e);
            }
            GET_FD_VAL = method;
            UNAVAILABLE = failure;
        }

        static int fdOf(SelectableChannel channel) {
            if (UNAVAILABLE != null) {
                throw UNAVAILABLE;
            }
            if (!GET_FD_VAL.getDeclaringClass().isInstance(channel)) {
                throw new UnsupportedOperationException(channel.getClass().getName()
                        + " is not one of the JDK's own channels: it has no descriptor to register");
            }
            try {
                return (int) GET_FD_VAL.invoke(channel);
            } catch (IllegalAccessException | InaccessibleObjectException e) {
                throw new UnsupportedOperationException("reading a JDK channel's file descriptor needs the JVM flag "
                        + "--add-exports java.base/sun.nio.ch=" + FLAG_TARGET
                        + " (or --add-opens java.base/sun.nio.ch=" + FLAG_TARGET + ")", e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("getFDVal failed", e.getCause());
            }
        }
    }
}
