package io.jmio.bench.micro;

import io.jmio.poll.Events;
import io.jmio.poll.Poll;
import io.jmio.poll.Source;
import io.jmio.poll.Token;
import io.jmio.poll.Waker;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;
import io.jmio.poll.posix.PosixLayers;
import io.jmio.poll.posix.Staging;
import io.jmio.poll.spi.HandleGuard;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Per-operation costs of jmio's socket hot path on a connected loopback TCP pair, next to the layers
 * under it and to the JDK's and Netty's equivalents on the same kind of socket, so that one JMH run
 * shows where the user-mode time of a read or write goes.
 *
 * <p>Families (compare within a family, in one run):
 * <ul>
 *   <li>{@code wouldBlock*}: a read with nothing to read ({@code recv} → {@code EAGAIN}): jmio's
 *       {@code TcpStream.read} (direct, heap), {@code Posix.recv} on a raw address, the bare jnr-ffi
 *       binding, the same binding without errno saving, Netty's JNI {@code Socket.recvAddress} and the
 *       JDK's {@code SocketChannel.read};</li>
 *   <li>{@code echo64*}: one 64-byte write on one end and the 64-byte read of it on the other (loopback
 *       TCP delivers within the {@code send}), through the same layers;</li>
 *   <li>{@code address*}, {@code labs*}: the pieces alone: a direct buffer's address, and a native
 *       call that makes no system call ({@code labs}) with and without errno saving;</li>
 *   <li>{@code wake*}, {@code pollNothingReady}: the waker, coalesced (a wake already pending: no
 *       system call) and not (wake, then the poll that consumes it).</li>
 * </ul>
 * Every method checks its result and throws if it is wrong.
 *
 * <p>Threading: JMH runs each benchmark on one thread with its own state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class HotPathBenchmark {
    /**
     * The same benchmarks in a JVM without {@code --add-exports java.base/sun.nio.ch}: jmio finds buffer
     * addresses through JNI there (see {@code NativeMemory}), as it always did before; run both classes in
     * one JMH run to compare.
     */
    @Fork(value = 1, jvmArgsPrepend = {"-Xms256m", "-Xmx512m"})
    public static class JniAddress extends HotPathBenchmark {
    }

    private static final int SIZE = 64;

    private TcpListener listener;
    private TcpStream writer;
    private TcpStream reader;
    private int writerFd;
    private int readerFd;
    private SocketChannel jdkWriter;
    private SocketChannel jdkReader;
    private io.netty.channel.unix.Socket nettyWriter;
    private io.netty.channel.unix.Socket nettyReader;
    private final ByteBuffer out = NativeMemory.allocate(SIZE);
    private final ByteBuffer in = NativeMemory.allocate(SIZE);
    private final ByteBuffer heapOut = ByteBuffer.allocate(SIZE);
    private final ByteBuffer heapIn = ByteBuffer.allocate(SIZE);
    private final ByteBuffer readOnlyOut = heapOut.asReadOnlyBuffer();
    private long outAddress;
    private long inAddress;
    private Poll poll;
    private Waker waker;
    private final Events events = Events.withCapacity(64);
    private long labsArgument = -42;
    private String lookup;
    private volatile int flag;
    private final HandleGuard guard = new HandleGuard(7) {
        @Override
        protected Source source() {
            throw new UnsupportedOperationException("never registered");
        }

        @Override
        protected void closeHandle(long handle) {
            // never closed: the benchmark measures the open path only
        }

        @Override
        protected String describe() {
            return "benchmark guard";
        }
    };

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        listener = TcpListener.bind(new InetSocketAddress(loopback, 0));
        writer = TcpStream.connect(listener.localAddress());
        for (int i = 0; i < 10_000 && (reader = listener.accept()) == null; i++) {
            Thread.onSpinWait();
        }
        if (reader == null) {
            throw new IOException("loopback connection not accepted");
        }
        awaitWritable(writer);
        writer.setNoDelay(true);
        reader.setNoDelay(true);
        writerFd = writer.rawFd();
        readerFd = reader.rawFd();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(loopback, 0));
            jdkWriter = SocketChannel.open(server.getLocalAddress());
            jdkReader = server.accept();
        }
        for (SocketChannel c : new SocketChannel[] {jdkWriter, jdkReader}) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        io.netty.channel.epoll.Epoll.ensureAvailability();
        nettyWriter = new io.netty.channel.unix.Socket(writerFd);  // wrappers only: never closed through Netty
        nettyReader = new io.netty.channel.unix.Socket(readerFd);
        outAddress = NativeMemory.address(out);
        inAddress = NativeMemory.address(in);
        for (int i = 0; i < SIZE; i++) {
            out.put(i, (byte) i);
            heapOut.put(i, (byte) i);
        }
        lookup = NativeMemory.addressLookup();
        poll = Poll.open();
        waker = new Waker(poll.registry(), Token.of(1));
    }

    private static void awaitWritable(TcpStream s) throws IOException {
        for (int i = 0; i < 1000 && s.takeError() == null; i++) {
            if (s.peerAddress() != null) {
                return;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.println("NativeMemory.addressLookup(): " + lookup);
        waker.close();
        poll.close();
        writer.close();
        reader.close();
        listener.close();
        jdkWriter.close();
        jdkReader.close();
    }

    // ---- a read that would block

    @Benchmark
    public int wouldBlockStream() throws IOException {
        in.clear();
        return expectZero(reader.read(in));
    }

    @Benchmark
    public int wouldBlockStreamHeap() throws IOException {
        heapIn.clear();
        return expectZero(reader.read(heapIn));
    }

    @Benchmark
    public long wouldBlockPosix() throws IOException {
        long n = Posix.recv(readerFd, inAddress, SIZE, 0);
        if (n != Posix.WOULD_BLOCK) {
            throw new IllegalStateException("expected would-block, got " + n);
        }
        return n;
    }

    @Benchmark
    public long wouldBlockJnr() {
        return expectMinusOne(PosixLayers.jnrRecv(readerFd, inAddress, SIZE));
    }

    @Benchmark
    public long wouldBlockJnrNoErrno() {
        return expectMinusOne(PosixLayers.noErrnoRecv(readerFd, inAddress, SIZE));
    }

    @Benchmark
    public int wouldBlockNetty() throws IOException {
        return expectZero(nettyReader.recvAddress(inAddress, 0, SIZE));
    }

    @Benchmark
    public int wouldBlockJdk() throws IOException {
        in.clear();
        return expectZero(jdkReader.read(in));
    }

    // ---- 64 bytes written on one end, read on the other

    @Benchmark
    public int echo64Stream() throws IOException {
        out.clear();
        expect64(writer.write(out));
        in.clear();
        int n = reader.read(in);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public int echo64StreamHeap() throws IOException {
        heapOut.clear();
        expect64(writer.write(heapOut));
        heapIn.clear();
        int n = reader.read(heapIn);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public long echo64Posix() throws IOException {
        expect64(Posix.send(writerFd, outAddress, SIZE, 0));
        long n = Posix.recv(readerFd, inAddress, SIZE, 0);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public long echo64Jnr() throws IOException {
        expect64(PosixLayers.jnrSend(writerFd, outAddress, SIZE));
        long n = PosixLayers.jnrRecv(readerFd, inAddress, SIZE);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public long echo64JnrNoErrno() throws IOException {
        expect64(PosixLayers.noErrnoSend(writerFd, outAddress, SIZE));
        long n = PosixLayers.noErrnoRecv(readerFd, inAddress, SIZE);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public int echo64Netty() throws IOException {
        expect64(nettyWriter.sendAddress(outAddress, 0, SIZE));
        int n = nettyReader.recvAddress(inAddress, 0, SIZE);
        return n == SIZE ? n : rest(n);
    }

    @Benchmark
    public int echo64Jdk() throws IOException {
        out.clear();
        expect64(jdkWriter.write(out));
        in.clear();
        int n = jdkReader.read(in);
        return n == SIZE ? n : restJdk(n);
    }

    @Benchmark
    public int echo64JdkHeap() throws IOException {
        heapOut.clear();
        expect64(jdkWriter.write(heapOut));
        heapIn.clear();
        int n = jdkReader.read(heapIn);
        return n == SIZE ? n : restJdk(n);
    }

    // ---- the pieces

    @Benchmark
    public long addressJffi() {
        return PosixLayers.jffiAddress(in);
    }

    @Benchmark
    public long addressNativeMemory() {
        return NativeMemory.address(in);
    }

    @Benchmark
    public int lastErrno() {
        return Posix.lastErrno();  // jnr-ffi's saved errno: a JNI call into jffi
    }

    @Benchmark
    public long labsSaving() {
        return PosixLayers.labsSaving(labsArgument);
    }

    @Benchmark
    public long labsNoErrno() {
        return PosixLayers.labsNoErrno(labsArgument);
    }

    /**
     * The close guard every socket operation now passes through ({@code HandleGuard}): one
     * compare-and-set to enter, one atomic add to leave, uncontended; compare {@code wouldBlockStream}
     * with {@code wouldBlockPosix} for the whole wrapper.
     */
    @Benchmark
    public long guardAcquireRelease() throws IOException {
        long h = guard.acquire();
        guard.release();
        return h;
    }

    /** Heap-buffer staging now: borrow an area from the bounded pool and give it back (uncontended). */
    @Benchmark
    public long stagingBorrowGiveBack() {
        Staging st = Staging.borrow(SIZE);
        st.giveBack();
        return st.address;
    }

    /** Heap-buffer staging before: the per-thread scratch lookup it replaced. */
    @Benchmark
    public long stagingThreadLocal() {
        return io.jmio.poll.posix.NativeScratch.get().address;
    }

    /** A shared read-only response (HTTP servers send {@code asReadOnlyBuffer()}s): staged in bulk now. */
    @Benchmark
    public int echo64StreamReadOnly() throws IOException {
        readOnlyOut.rewind();
        expect64(writer.write(readOnlyOut));
        heapIn.clear();
        int n = reader.read(heapIn);
        return n == SIZE ? n : rest(n);
    }

    /** The price of {@code Selector.select}'s old unconditional {@code wakePending = 0} (a volatile store). */
    @Benchmark
    public int flagStoreAlways() {
        flag = 0;
        return 0;
    }

    /** What {@code select} does now: read the flag, store only if a wake set it. */
    @Benchmark
    public int flagStoreIfSet() {
        if (flag != 0) {
            flag = 0;
        }
        return 0;
    }

    // ---- waker and poll

    @Benchmark
    public int wakeCoalesced() throws IOException {
        waker.wake();  // the first call makes a wake pending; every later one finds it pending
        return 0;
    }

    @Benchmark
    public int wakeThenPoll() throws IOException {
        waker.wake();
        int n = poll.poll(events, Duration.ZERO);
        if (n != 1) {
            throw new IllegalStateException("expected the waker's event, got " + n);
        }
        return n;
    }

    // ---- checks

    private static int expectZero(int n) {
        if (n != 0) {
            throw new IllegalStateException("expected a read that would block, got " + n);
        }
        return n;
    }

    private static long expectMinusOne(long n) {
        if (n != -1) {
            throw new IllegalStateException("expected -1 (EAGAIN), got " + n);
        }
        return n;
    }

    private static void expect64(long n) {
        if (n != SIZE) {
            throw new IllegalStateException("expected to write " + SIZE + " bytes, wrote " + n);
        }
    }

    /** Loopback TCP delivers within send(); anything else is a broken run. */
    private static int rest(long n) {
        throw new IllegalStateException("expected to read " + SIZE + " bytes at once, got " + n);
    }

    private static int restJdk(int n) {
        throw new IllegalStateException("expected to read " + SIZE + " bytes at once, got " + n);
    }
}
