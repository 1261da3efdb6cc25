package io.jmio.poll.spi;

import io.jmio.poll.SyscallException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The {@link SocketSystem} of a process whose class path has no module for its OS: every operation
 * fails with an {@link IOException} that says which module is missing, so that the first network call
 * reports it (a socket type whose class failed to initialise would report only
 * {@code NoClassDefFoundError} from then on).
 *
 * <p>Threading: immutable.
 */
final class UnavailableSockets extends SocketSystem {
    private final String reason;

    UnavailableSockets(String reason) {
        this.reason = reason;
    }

    private IOException failure() {
        return new IOException(reason);
    }

    @Override
    public String name() {
        return "unavailable";
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return true;
    }

    @Override
    public long open(boolean v6, boolean stream) throws IOException {
        throw failure();
    }

    @Override
    public void bind(long s, InetSocketAddress address) throws IOException {
        throw failure();
    }

    @Override
    public void bindAndListen(long s, InetSocketAddress address, int backlog) throws IOException {
        throw failure();
    }

    @Override
    public long accept(long s) throws IOException {
        throw failure();
    }

    @Override
    public boolean connect(long s, InetSocketAddress address) throws IOException {
        throw failure();
    }

    @Override
    public int read(long s, ByteBuffer dst, boolean peek) throws IOException {
        throw failure();
    }

    @Override
    public long read(long s, ByteBuffer[] dsts, int offset, int length) throws IOException {
        throw failure();
    }

    @Override
    public int write(long s, ByteBuffer src) throws IOException {
        throw failure();
    }

    @Override
    public long write(long s, ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw failure();
    }

    @Override
    public boolean sendUrgent(long s, byte b) throws IOException {
        throw failure();
    }

    @Override
    public int receiveDatagram(long s, ByteBuffer dst, boolean peek) throws IOException {
        throw failure();
    }

    @Override
    public boolean lastTruncated() {
        return false;
    }

    @Override
    public InetSocketAddress lastSender() {
        return null;
    }

    @Override
    public int sendDatagram(long s, ByteBuffer src, InetSocketAddress target) throws IOException {
        throw failure();
    }

    @Override
    public void shutdown(long s, int how) throws IOException {
        throw failure();
    }

    @Override
    public SyscallException takeError(long s) throws IOException {
        throw failure();
    }

    @Override
    public InetSocketAddress address(long s, boolean peer) throws IOException {
        throw failure();
    }

    @Override
    public void setOption(long s, Option option, int value) throws IOException {
        throw failure();
    }

    @Override
    public int option(long s, Option option) throws IOException {
        throw failure();
    }

    @Override
    public void setLinger(long s, int seconds) throws IOException {
        throw failure();
    }

    @Override
    public int linger(long s) throws IOException {
        throw failure();
    }

    @Override
    public void membershipV4(long s, boolean join, Inet4Address group, Inet4Address iface) throws IOException {
        throw failure();
    }

    @Override
    public void membershipV6(long s, boolean join, InetAddress group, int interfaceIndex) throws IOException {
        throw failure();
    }

    @Override
    public void close(long s) throws IOException {
        throw failure();
    }

    @Override
    public String describe(long s) {
        return "handle " + s;
    }
}
