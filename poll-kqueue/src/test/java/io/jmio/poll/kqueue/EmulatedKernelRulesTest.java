package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The emulation's per-kernel rules ({@link EmulatedKernelRules}) at the {@code kevent} level: XNU
 * (as {@link KqueueAbi#DARWIN}) and FreeBSD (as {@link KqueueAbi#FREEBSD_12}) side by side, where their
 * sources disagree.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmulatedKernelRulesTest {
    /** One emulated kqueue of one ABI, with room for a change and its answer. */
    private static final class Kq implements AutoCloseable {
        final KqueueAbi abi;
        final KeventDescriptor layout;
        final EmulatedKqueueSystem sys;
        final ByteBuffer change;
        final ByteBuffer out;
        final ByteBuffer timeout = NativeMemory.allocate(TimespecDescriptor.SIZE);
        final jnr.ffi.Pointer timeoutPointer =
                jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), NativeMemory.address(timeout));
        final int kq;

        Kq(KqueueAbi abi) throws IOException {
            this.abi = abi;
            this.layout = abi.layout;
            this.sys = new EmulatedKqueueSystem(abi);
            this.change = NativeMemory.allocate(layout.size);
            this.out = NativeMemory.allocate(4 * layout.size);
            this.kq = sys.kqueue();
        }

        /** Submits one change with {@code EV_RECEIPT}; @return the errno of its receipt */
        long receipt(long ident, int filter, int flags, int fflags) {
            layout.put(change, 0, ident, filter, flags | KqueueAbi.EV_RECEIPT, fflags, 0, 9);
            assertEquals(1, sys.kevent(kq, NativeMemory.address(change), 1, NativeMemory.address(out), 1, null));
            return layout.data(out, 0);
        }

        /** @return what a poll with this timespec returns: events, or a negative errno */
        int poll(long seconds, long nanos) {
            timeout.putLong(TimespecDescriptor.TV_SEC_OFFSET, seconds);
            timeout.putLong(TimespecDescriptor.TV_NSEC_OFFSET, nanos);
            return sys.kevent(kq, 0, 0, NativeMemory.address(out), 4, timeoutPointer);
        }

        @Override
        public void close() throws IOException {
            sys.close(kq);
        }
    }

    @Test
    void shouldFireNoteTriggerOnTheCreatingChangeOnXnuOnly() throws IOException {
        try (Kq mac = new Kq(KqueueAbi.DARWIN); Kq bsd = new Kq(KqueueAbi.FREEBSD_12)) {
            for (Kq k : new Kq[] {mac, bsd}) {
                assertEquals(0, k.receipt(1, k.abi.evfiltUser, KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR, KqueueAbi.NOTE_TRIGGER));
            }
            assertEquals(1, mac.poll(0, 0), "XNU filt_userattach: NOTE_TRIGGER on add fires");
            assertEquals(0, bsd.poll(0, 0), "FreeBSD kqueue_register: NOTE_TRIGGER on add is lost");
            assertEquals(0, bsd.receipt(1, bsd.abi.evfiltUser, 0, KqueueAbi.NOTE_TRIGGER));
            assertEquals(1, bsd.poll(0, 0), "a later trigger fires on FreeBSD");
        }
    }

    @Test
    void shouldAnswerAChangeOnAClosedDescriptorAsEachKernelDoes() throws IOException {
        try (Kq mac = new Kq(KqueueAbi.DARWIN); Kq bsd = new Kq(KqueueAbi.FREEBSD_12)) {
            for (Kq k : new Kq[] {mac, bsd}) {
                int[] p = Fds.pipe();
                assertEquals(0, k.receipt(p[0], k.abi.evfiltRead, KqueueAbi.EV_ADD, 0));
                Fds.close(p);
                assertEquals(Errno.EBADF, k.receipt(p[0], k.abi.evfiltRead, KqueueAbi.EV_ADD, 0), k.abi + ": EV_ADD");
            }
            int[] p = Fds.pipe();
            int[] q = Fds.pipe();
            assertEquals(0, mac.receipt(p[0], mac.abi.evfiltRead, KqueueAbi.EV_ADD, 0));
            assertEquals(0, bsd.receipt(q[0], bsd.abi.evfiltRead, KqueueAbi.EV_ADD, 0));
            Fds.close(p);
            Fds.close(q);
            assertEquals(Errno.ENOENT, mac.receipt(p[0], mac.abi.evfiltRead, KqueueAbi.EV_DELETE, 0), "XNU: knote lookup only");
            assertEquals(Errno.EBADF, bsd.receipt(q[0], bsd.abi.evfiltRead, KqueueAbi.EV_DELETE, 0), "FreeBSD: fget first");
        }
    }

    @Test
    void shouldRefuseOrAcceptSecondsBeyondInt32AsEachKernelDoes() throws IOException {
        try (Kq mac = new Kq(KqueueAbi.DARWIN); Kq bsd = new Kq(KqueueAbi.FREEBSD_12)) {
            // A triggered user event, so that a valid wait returns at once.
            for (Kq k : new Kq[] {mac, bsd}) {
                assertEquals(0, k.receipt(1, k.abi.evfiltUser, KqueueAbi.EV_ADD, 0));
                assertEquals(0, k.receipt(1, k.abi.evfiltUser, 0, KqueueAbi.NOTE_TRIGGER));
                assertEquals(-Errno.EINVAL, k.poll(-1, 0), k.abi + ": negative seconds");
                assertEquals(-Errno.EINVAL, k.poll(0, 1_000_000_000L), k.abi + ": nanoseconds out of range");
                assertEquals(1, k.poll(EmulatedKernelRules.INT32_MAX, 999_999_999L), k.abi + ": INT32_MAX seconds");
            }
            assertEquals(-Errno.EINVAL, mac.poll(EmulatedKernelRules.INT32_MAX + 1, 0), "XNU timespec_is_valid");
            assertEquals(1, bsd.poll(EmulatedKernelRules.INT32_MAX + 1, 0), "FreeBSD kqueue_scan: forever");
        }
    }

    @Test
    void shouldRefuseAWriteFilterOnAWidowedPipeOnFreeBsdOnly() throws IOException {
        try (Kq mac = new Kq(KqueueAbi.DARWIN); Kq bsd = new Kq(KqueueAbi.FREEBSD_12)) {
            int[] p = Fds.pipe();
            try {
                Fds.close(p[0]);
                assertEquals(0, mac.receipt(p[1], mac.abi.evfiltWrite, KqueueAbi.EV_ADD, 0), "XNU attaches");
                assertEquals(1, mac.poll(0, 0));
                assertEquals(KqueueAbi.EV_EOF, mac.layout.flags(mac.out, 0) & KqueueAbi.EV_EOF, "and reports EV_EOF");
                assertEquals(Errno.EPIPE, bsd.receipt(p[1], bsd.abi.evfiltWrite, KqueueAbi.EV_ADD, 0), "FreeBSD pipe_kqfilter");
                assertEquals(0, bsd.poll(0, 0), "and keeps no knote");
                assertEquals(Errno.ENOENT, bsd.receipt(p[1], bsd.abi.evfiltWrite, KqueueAbi.EV_DELETE, 0));
            } finally {
                Fds.close(p[1]);
            }
        }
    }

    @Test
    void shouldAnswerReceiptsWithTheFlagsEachKernelReturns() throws IOException {
        try (Kq mac = new Kq(KqueueAbi.DARWIN); Kq bsd = new Kq(KqueueAbi.FREEBSD_12)) {
            int add = KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR;
            assertEquals(0, mac.receipt(1, mac.abi.evfiltUser, add, 0));
            assertEquals(add | KqueueAbi.EV_RECEIPT | KqueueAbi.EV_ERROR, mac.layout.flags(mac.out, 0), "XNU: flags | EV_ERROR");
            assertEquals(0, bsd.receipt(1, bsd.abi.evfiltUser, add, 0));
            assertEquals(KqueueAbi.EV_ERROR, bsd.layout.flags(bsd.out, 0), "FreeBSD: EV_ERROR alone");
        }
    }
}
