package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.Interest;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.JnrBindings;
import io.jmio.poll.posix.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Pins the struct layouts and constants against {@code linux/io_uring.h} and {@code sys/stat.h}: the
 * values below were read with {@code sizeof}/{@code offsetof} from the UAPI headers (Linux 6.2 headers,
 * x86_64) and match every kernel since the field or flag was added.
 */
class UringLayoutTest {
    @Test
    void ioUringParamsAndRingOffsets() {
        assertEquals(120, ParamsDescriptor.SIZE);
        assertEquals(20, ParamsDescriptor.FEATURES);
        assertEquals(40, ParamsDescriptor.SQ_OFF);
        assertEquals(80, ParamsDescriptor.CQ_OFF);
        assertEquals(40, ParamsDescriptor.RING_OFFSETS_SIZE);
        assertEquals(ParamsDescriptor.SQ_OFF + ParamsDescriptor.RING_OFFSETS_SIZE, ParamsDescriptor.CQ_OFF);
        assertEquals(ParamsDescriptor.CQ_OFF + ParamsDescriptor.RING_OFFSETS_SIZE, ParamsDescriptor.SIZE);
        assertEquals(20, ParamsDescriptor.SQ_DROPPED);
        assertEquals(24, ParamsDescriptor.SQ_ARRAY);
        assertEquals(16, ParamsDescriptor.CQ_OVERFLOW);
        assertEquals(20, ParamsDescriptor.CQ_CQES);
    }

    @Test
    void sqeAndCqe() {
        assertEquals(64, SqeDescriptor.SIZE);
        assertEquals(1, SqeDescriptor.FLAGS);
        assertEquals(4, SqeDescriptor.FD);
        assertEquals(8, SqeDescriptor.OFF);
        assertEquals(16, SqeDescriptor.ADDR);
        assertEquals(24, SqeDescriptor.LEN);
        assertEquals(28, SqeDescriptor.OP_FLAGS);
        assertEquals(32, SqeDescriptor.USER_DATA);
        assertEquals(16, CqeDescriptor.SIZE);
        assertEquals(8, CqeDescriptor.RES);
        assertEquals(12, CqeDescriptor.FLAGS);
    }

    @Test
    void registerArguments() {
        assertEquals(64, SyncCancelDescriptor.SIZE);
        assertEquals(8, SyncCancelDescriptor.FD);
        assertEquals(12, SyncCancelDescriptor.FLAGS);
        assertEquals(16, SyncCancelDescriptor.TIMEOUT_SEC);
        assertEquals(16, ProbeDescriptor.HEADER_SIZE);
        assertEquals(8, ProbeDescriptor.OP_SIZE);
        assertEquals(2, ProbeDescriptor.OP_FLAGS);
        assertEquals(16 + 256 * 8, ProbeDescriptor.SIZE);
    }

    @Test
    void providedBufferRingForTheCompletionApi() {
        assertEquals(16, BufRingDescriptor.BUF_SIZE);
        assertEquals(8, BufRingDescriptor.BUF_LEN);
        assertEquals(12, BufRingDescriptor.BUF_BID);
        assertEquals(14, BufRingDescriptor.RING_TAIL);
        assertEquals(40, BufRingDescriptor.REG_SIZE);
        assertEquals(8, BufRingDescriptor.REG_RING_ENTRIES);
        assertEquals(12, BufRingDescriptor.REG_BGID);
        assertEquals(22, BufRingDescriptor.IORING_REGISTER_PBUF_RING);
        assertEquals(23, BufRingDescriptor.IORING_UNREGISTER_PBUF_RING);
        assertEquals(0, BufRingDescriptor.BUF_ADDR);
        assertEquals(0, BufRingDescriptor.REG_RING_ADDR);
        assertEquals(14, BufRingDescriptor.REG_FLAGS);
        assertEquals(BufRingDescriptor.BUF_SIZE - 2, BufRingDescriptor.RING_TAIL, "the tail overlays entry 0's last __u16");
        assertEquals(40, SqeDescriptor.BUF_GROUP);
        assertEquals(32, UringNative.IOSQE_BUFFER_SELECT);
        assertEquals(2, UringNative.IORING_RECV_MULTISHOT);
        assertEquals(1, UringNative.IORING_CQE_F_BUFFER);
        assertEquals(16, UringNative.IORING_CQE_BUFFER_SHIFT);
        assertEquals(UringNative.IORING_CQE_F_BUFFER, io.jmio.poll.completion.Completions.BUFFER,
                "the API's flag is the kernel's: completions pass cqe flags through");
        assertEquals(UringNative.IORING_CQE_F_MORE, io.jmio.poll.completion.Completions.MORE);
        assertEquals(1 << 15, io.jmio.poll.completion.BufferRing.MAX_COUNT, "ring_entries below 65536, a power of two");
    }

    @Test
    void statIdentityFields() {
        assertTrue(StatDescriptor.isX8664("amd64"));
        assertFalse(StatDescriptor.isX8664("aarch64"));
        assertEquals(0, StatDescriptor.DEV);
        assertEquals(8, StatDescriptor.INO);
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals(144, StatDescriptor.SIZE);
            assertEquals(24, StatDescriptor.MODE);
            assertEquals(5, UringNative.SYS_FSTAT);
        } else if (System.getProperty("os.arch").equals("aarch64")) {
            assertEquals(128, StatDescriptor.SIZE);
            assertEquals(16, StatDescriptor.MODE);
            assertEquals(80, UringNative.SYS_FSTAT);
        }
    }

    @Test
    void constantsMatchTheHeader() {
        assertEquals(425, UringNative.SYS_IO_URING_SETUP);
        assertEquals(426, UringNative.SYS_IO_URING_ENTER);
        assertEquals(427, UringNative.SYS_IO_URING_REGISTER);
        assertEquals(6, UringNative.IORING_OP_POLL_ADD);
        assertEquals(7, UringNative.IORING_OP_POLL_REMOVE);
        assertEquals(11, UringNative.IORING_OP_TIMEOUT);
        assertEquals(8, UringNative.IORING_REGISTER_PROBE);
        assertEquals(24, UringNative.IORING_REGISTER_SYNC_CANCEL);
        assertEquals(8, UringNative.IORING_SETUP_CQSIZE);
        assertEquals(16, UringNative.IORING_SETUP_CLAMP);
        assertEquals(128, UringNative.IORING_SETUP_SUBMIT_ALL);
        assertEquals(1, UringNative.IORING_FEAT_SINGLE_MMAP);
        assertEquals(2, UringNative.IORING_FEAT_NODROP);
        assertEquals(1, UringNative.IORING_ENTER_GETEVENTS);
        assertEquals(64, UringNative.IOSQE_CQE_SKIP_SUCCESS);
        assertEquals(1, UringNative.IORING_POLL_ADD_MULTI);
        assertEquals(2, UringNative.IORING_POLL_UPDATE_EVENTS);
        assertEquals(4, UringNative.IORING_POLL_UPDATE_USER_DATA);
        assertEquals(2, UringNative.IORING_CQE_F_MORE);
        assertEquals(0L, UringNative.IORING_OFF_SQ_RING);
        assertEquals(0x10000000L, UringNative.IORING_OFF_SQES);
        assertEquals(1, ProbeDescriptor.IO_URING_OP_SUPPORTED);
        assertEquals(62, UringNative.ETIME);
        assertEquals(125, UringNative.ECANCELED);
        assertEquals(114, UringNative.EALREADY);
        assertEquals(Errno.current().number("ECANCELED"), UringNative.ECANCELED);
        assertEquals(Errno.current().number("EALREADY"), UringNative.EALREADY);
    }

    @Test
    void bindingKeepsClearOfTheJnrSixArgumentDefect() {
        JnrBindings.assertNoSixPrimitiveArguments(UringLibrary.Lib.class);
    }

    @Test
    void userDataCarriesKindGenerationAndDescriptor() {
        long ud = UserData.poll(77, 5);
        assertEquals(UserData.POLL, UserData.kind(ud));
        assertEquals(77, UserData.fd(ud));
        assertEquals(5, UserData.generation(ud));
        long wrapped = UserData.poll(3, (1 << 30) + 9);
        assertEquals(9, UserData.generation(wrapped), "generations wrap within their 30 bits");
        assertEquals(UserData.POLL, UserData.kind(wrapped));
        long update = UserData.update(Integer.MAX_VALUE, UserData.GENERATION_MASK);
        assertEquals(UserData.UPDATE, UserData.kind(update));
        assertEquals(Integer.MAX_VALUE, UserData.fd(update));
        assertEquals(UserData.GENERATION_MASK, UserData.generation(update));
        assertEquals(UserData.WAKE, UserData.kind(UserData.of(UserData.WAKE)));
        assertEquals(UserData.TIMEOUT, UserData.kind(UserData.of(UserData.TIMEOUT)));
    }

    @Test
    void interestAndTriggerTranslation() {
        assertEquals(0x001 | 0x2000, UringSelector.toPoll(Interest.READABLE.bits()));
        assertEquals(0x004, UringSelector.toPoll(Interest.WRITABLE.bits()));
        assertEquals(0x002, UringSelector.toPoll(Interest.PRIORITY.bits()));
        assertEquals(Registrations.EDGE, UringSelector.toMode(Trigger.EDGE));
        assertEquals(Registrations.LEVEL, UringSelector.toMode(Trigger.LEVEL));
        assertEquals(Registrations.ONESHOT, UringSelector.toMode(Trigger.ONESHOT));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> UringSelector.toPoll(Interest.AIO.bits()));
        assertTrue(e.getMessage().contains("AIO"), e.getMessage());
    }

    @Test
    void eventDecodingFollowsMio() {
        UringEventArray a = new UringEventArray(4);
        a.set(0, 77, UringNative.POLLIN | UringNative.POLLRDHUP);
        a.set(1, 78, UringNative.POLLHUP);
        a.set(2, 79, UringNative.POLLERR);
        a.set(3, 80, UringNative.POLLOUT | UringNative.POLLERR);
        assertEquals(77, a.token(0));
        assertTrue(a.isReadable(0) && a.isReadClosed(0) && !a.isWriteClosed(0));
        assertTrue(a.isReadClosed(1) && a.isWriteClosed(1) && !a.isReadable(1));
        assertTrue(a.isError(2) && a.isWriteClosed(2) && !a.isReadClosed(2));
        assertTrue(a.isWritable(3) && a.isError(3) && a.isWriteClosed(3));
        assertEquals("res=0xc OUT ERR", a.describe(3));
    }

    @Test
    void probeParsingNamesTheFirstMissingOperation() {
        ByteBuffer probe = ByteBuffer.allocate(ProbeDescriptor.SIZE).order(ByteOrder.nativeOrder());
        probe.put(ProbeDescriptor.LAST_OP, (byte) 12);
        probe.put(ProbeDescriptor.OPS_LEN, (byte) 13);
        for (int op = 0; op <= 12; op++) {
            probe.putShort(ProbeDescriptor.HEADER_SIZE + op * ProbeDescriptor.OP_SIZE + ProbeDescriptor.OP_FLAGS,
                    (short) (op == UringNative.IORING_OP_POLL_REMOVE ? 0 : ProbeDescriptor.IO_URING_OP_SUPPORTED));
        }
        assertEquals("IORING_OP_POLL_REMOVE", UringBackend.missingOp(probe));
        probe.putShort(ProbeDescriptor.HEADER_SIZE + 7 * ProbeDescriptor.OP_SIZE + ProbeDescriptor.OP_FLAGS, (short) 1);
        assertNull(UringBackend.missingOp(probe));
        probe.put(ProbeDescriptor.LAST_OP, (byte) 10); // a kernel that stops before IORING_OP_TIMEOUT
        assertEquals("IORING_OP_TIMEOUT", UringBackend.missingOp(probe));
    }

    @Test
    void setupFailuresSayWhy() {
        SyscallException eperm = new SyscallException("io_uring_setup", Errno.EPERM, "EPERM", "Operation not permitted");
        SyscallException enosys = new SyscallException("io_uring_setup", Errno.ENOSYS, "ENOSYS", "Function not implemented");
        assertTrue(UringBackend.explainSetupFailure(eperm, "2").contains("io_uring_disabled = 2"));
        assertTrue(UringBackend.explainSetupFailure(eperm, "1").contains("io_uring_group"));
        assertTrue(UringBackend.explainSetupFailure(eperm, "0").contains("seccomp"));
        assertTrue(UringBackend.explainSetupFailure(eperm, null).contains("EPERM"));
        assertTrue(UringBackend.explainSetupFailure(enosys, null).contains("no io_uring"));
    }
}
