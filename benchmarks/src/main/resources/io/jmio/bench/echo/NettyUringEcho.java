import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import one.profiler.AsyncProfiler;
import one.profiler.Counter;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2's echo server on its io_uring transport, run by the benchmarks' {@code NettyUringEchoServer}
 * in a JVM of its own (Netty 4.1, which the benchmarks' class path holds for netty-edge/level, and 4.2
 * cannot share one), with the JDK's single-file source launcher against the 4.2 jars the benchmarks'
 * build copies to {@code target/netty42/}. Not compiled with the module: a resource.
 *
 * <p>One event loop thread (named {@code echo-loop-*}, which the parent finds in {@code /proc}) that
 * accepts and serves; TCP_NODELAY on every connection; pooled direct buffers; a handler that writes back
 * what it reads and flushes when the read batch is complete. Argument {@code plain}: Netty's default
 * (a recv into a buffer from the allocator per read); {@code bufring}: a provided buffer ring (group 1,
 * 1024 buffers of 16 KiB) that the connections' reads take their buffers from, multishot recv.
 *
 * <p>Protocol on standard output: {@code PORT <n>} once bound. Standard input: {@code profile <base>}
 * starts async-profiler on the loop thread ({@code itimer}), {@code stop} writes {@code <base>.html} and
 * {@code <base>.collapsed}; each answered by {@code OK} or {@code ERROR <message>}. End of input stops the
 * server and exits.
 *
 * <p>Threading: the main thread reads commands; the event loop serves.
 */
public final class NettyUringEcho {
    private NettyUringEcho() {
    }

    public static void main(String[] args) throws Exception {
        IoUring.ensureAvailability();
        boolean bufferRing = args.length > 0 && args[0].equals("bufring");
        IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
        short group = 1;
        if (bufferRing) {
            config.setBufferRingConfig(IoUringBufferRingConfig.builder().bufferGroupId(group).bufferRingSize((short) 1024)
                    .batchSize(64).allocator(new IoUringFixedBufferRingAllocator(PooledByteBufAllocator.DEFAULT, 16384))
                    .build());
        }
        MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("echo-loop", true), IoUringIoHandler.newFactory(config));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(IoUringServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(Echo.INSTANCE);
        if (bufferRing) {
            bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, group);
        }
        Channel server = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        Thread loopThread = loop.next().submit(Thread::currentThread).get();
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AsyncProfiler profiler = null;
        String base = null;
        String line;
        while ((line = in.readLine()) != null) {
            try {
                if (line.startsWith("profile ")) {
                    base = line.substring("profile ".length()).trim();
                    profiler = AsyncProfiler.getInstance();
                    profiler.execute("start,event=itimer,interval=1ms,threads,filter");
                    profiler.addThread(loopThread);
                } else if (line.equals("stop") && profiler != null) {
                    Files.writeString(Paths.get(base + ".collapsed"), profiler.dumpCollapsed(Counter.SAMPLES),
                            StandardCharsets.UTF_8);
                    profiler.execute("stop,file=" + base + ".html,title=" + Paths.get(base).getFileName());
                    profiler = null;
                } else {
                    throw new IllegalArgumentException("unknown command '" + line + "'");
                }
                System.out.println("OK");
            } catch (Exception e) {
                System.out.println("ERROR " + e);
            }
            System.out.flush();
        }
        server.close().sync();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
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
