package io.jmio.poll.completion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.posix.MsghdrDescriptor;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Sockaddr;
import io.jmio.poll.posix.SockaddrLayout;
import io.jmio.poll.posix.SocketConstants;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link Message}'s native block without a kernel: its layout pinned, the {@code msghdr} each
 * submission writes, and the decoding of a source as a kernel would leave it.
 */
class MessageTest {
    private static final MsghdrDescriptor MSGHDR = MsghdrDescriptor.current();

    @Test
    void shouldPinTheLayout() {
        boolean linux = SockaddrLayout.current() == SockaddrLayout.LINUX;
        assertEquals(linux ? 56 : 48, Message.IOV_OFFSET, "after the msghdr");
        assertEquals(Message.IOV_OFFSET + 16, Message.NAME_OFFSET, "after one iovec");
        assertEquals(linux ? 200 : 192, Message.SIZE, "plus a sockaddr_storage");
        assertEquals(0, Message.NAME_OFFSET % 8, "the sockaddr_storage is 8-aligned");
    }

    @Test
    void shouldDescribeASendWithoutDestination() {
        ByteBuffer data = NativeMemory.allocate(32);
        data.position(4).limit(20);
        Message m = new Message().buffer(data);
        long hdr = m.prepareSend();
        ByteBuffer b = m.block;
        assertEquals(NativeMemory.address(b), hdr);
        assertEquals(0, b.getLong(MsghdrDescriptor.NAME_OFFSET), "msg_name NULL: the connected peer");
        assertEquals(0, b.getInt(MsghdrDescriptor.NAMELEN_OFFSET));
        assertEquals(hdr + Message.IOV_OFFSET, b.getLong(MsghdrDescriptor.IOV_OFFSET));
        assertEquals(1, b.getInt(MsghdrDescriptor.IOVLEN_OFFSET));
        assertEquals(NativeMemory.address(data) + 4, b.getLong(Message.IOV_OFFSET + MsghdrDescriptor.IOV_BASE_OFFSET));
        assertEquals(16, b.getLong(Message.IOV_OFFSET + MsghdrDescriptor.IOV_LEN_OFFSET));
        assertEquals(0, b.getLong(MsghdrDescriptor.CONTROL_OFFSET), "no control data");
    }

    @Test
    void shouldEncodeTheDestinationOnceAndDropItWithNull() throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1f90);
        Message m = new Message().buffer(NativeMemory.allocate(8)).destination(to);
        long hdr = m.prepareSend();
        ByteBuffer b = m.block;
        assertEquals(hdr + Message.NAME_OFFSET, b.getLong(MsghdrDescriptor.NAME_OFFSET));
        assertEquals(16, b.getInt(MsghdrDescriptor.NAMELEN_OFFSET));
        assertEquals(to, Sockaddr.current().getInet(b, Message.NAME_OFFSET));
        m.destination(null).prepareSend();
        assertEquals(0, b.getLong(MsghdrDescriptor.NAME_OFFSET));
        m.destination(to).prepareSend();
        assertEquals(16, b.getInt(MsghdrDescriptor.NAMELEN_OFFSET), "the same instance again: the encoded bytes serve");
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 7);
        m.destination(v6).prepareSend();
        assertEquals(28, b.getInt(MsghdrDescriptor.NAMELEN_OFFSET));
        assertEquals(v6, Sockaddr.current().getInet(b, Message.NAME_OFFSET));
    }

    @Test
    void shouldDecodeTheSourceAsTheKernelLeftItAndReuseItWhileItIsTheSame() throws Exception {
        Message m = new Message().buffer(NativeMemory.allocate(8));
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4000);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 4001);

        kernelReceives(m, a, 0);
        assertEquals(a, m.source());
        InetSocketAddress first = m.source();
        assertEquals(4000, m.sourcePort());
        byte[] ip = new byte[16];
        assertEquals(4, m.sourceAddress(ip));
        assertEquals(127, ip[0]);
        assertFalse(m.truncated());

        kernelReceives(m, a, SocketConstants.current().msgTrunc);
        assertSame(first, m.source(), "the same sender: no new address");
        assertTrue(m.truncated());

        kernelReceives(m, v6, 0);
        InetSocketAddress second = m.source();
        assertNotSame(first, second);
        assertEquals(v6, second);
        assertEquals(16, m.sourceAddress(ip));
        assertThrows(IndexOutOfBoundsException.class, () -> m.sourceAddress(new byte[4]));

        m.prepareReceive(); // a receive that fails leaves the cleared family
        assertNull(m.source());
        assertEquals(-1, m.sourcePort());
        assertThrows(IllegalStateException.class, m::replyToSource);
    }

    @Test
    void shouldReplyToTheSourceWithTheKernelsBytes() throws Exception {
        Message m = new Message().buffer(NativeMemory.allocate(8));
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 4002);
        kernelReceives(m, a, 0);
        long hdr = m.replyToSource().prepareSend();
        assertEquals(hdr + Message.NAME_OFFSET, m.block.getLong(MsghdrDescriptor.NAME_OFFSET));
        assertEquals(28, m.block.getInt(MsghdrDescriptor.NAMELEN_OFFSET));
        assertEquals(a, m.source(), "replying leaves the source readable");
        m.destination(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9));
        assertThrows(IllegalStateException.class, m::source, "a destination overwrote it");
    }

    @Test
    void shouldRefuseUseWhileInFlight() {
        Message m = new Message();
        assertThrows(IllegalStateException.class, m::prepareSend, "no buffer");
        m.buffer(NativeMemory.allocate(8));
        m.inFlight = true;
        assertThrows(IllegalStateException.class, m::prepareReceive);
        assertThrows(IllegalStateException.class, m::prepareSend);
        assertThrows(IllegalStateException.class, () -> m.destination(null));
        assertThrows(IllegalStateException.class, () -> m.buffer(NativeMemory.allocate(8)));
        assertThrows(IllegalStateException.class, m::flags);
        assertTrue(m.inFlight());
    }

    /** Does what recvmsg does to the message: the prepared header, then the source, its length and the flags. */
    private static void kernelReceives(Message m, InetSocketAddress from, int flags) {
        m.prepareReceive();
        assertEquals(Sockaddr.STORAGE_SIZE, m.block.getInt(MsghdrDescriptor.NAMELEN_OFFSET), "room for any address");
        int length = Sockaddr.current().putInet(m.block, Message.NAME_OFFSET, from);
        m.block.putInt(MsghdrDescriptor.NAMELEN_OFFSET, length);
        m.block.putInt(MSGHDR.flagsOffset(), flags);
    }
}
