package io.jmio.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Netty's echo server on its native epoll transport: one {@link EpollEventLoopGroup} of one thread
 * that accepts and serves, a minimal handler that writes back what it reads and flushes when the read
 * batch is complete. Edge- or level-triggered through {@link EpollChannelOption#EPOLL_MODE}.
 *
 * <p>Netty's system calls are not counted here (the strace mode counts them).
 *
 * <p>Threading: the event loop runs on Netty's thread; the public methods may be called from one
 * other thread.
 */
public final class NettyEchoServer implements EchoServer {
    private final boolean edge;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Thread loopThread;
    private final ThreadStat stat;

    NettyEchoServer(boolean edge) throws IOException {
        Epoll.ensureAvailability();
        this.edge = edge;
        EpollMode epollMode = edge ? EpollMode.EDGE_TRIGGERED : EpollMode.LEVEL_TRIGGERED;
        this.group = new EpollEventLoopGroup(1, new DefaultThreadFactory(ThreadStat.LOOP_THREAD_NAME, true));
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .option(EpollChannelOption.EPOLL_MODE, epollMode)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(EpollChannelOption.EPOLL_MODE, epollMode)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(Echo.INSTANCE)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            this.loopThread = group.next().submit(Thread::currentThread).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("interrupted while starting Netty", e);
        } catch (ExecutionException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("cannot start Netty's event loop", e);
        }
        this.stat = ThreadStat.ofLoopThread();
    }

    @Override
    public long loopTid() {
        return stat.tid();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void sample(LoopSample sample) throws IOException {
        stat.read(sample);
        sample.allocatedBytes = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(loopThread.getId());
    }

    @Override
    public void close() throws IOException {
        try {
            serverChannel.close().sync();
            if (!group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)) {
                throw new IOException("Netty " + (edge ? "edge" : "level") + " event loop did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping Netty", e);
        }
    }

    /** Writes every buffer back; flushes once per read batch. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the client sees the closed connection and the benchmark fails
        }
    }
}
