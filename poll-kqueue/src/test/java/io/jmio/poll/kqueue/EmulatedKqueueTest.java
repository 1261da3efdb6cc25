package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.contract.Fds;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The emulation itself, at the {@code kevent} level, against the man-page rules it claims to follow
 * (see {@code KQUEUE_EMULATION.md}): receipts, {@code ENOENT} for a missing filter, {@code EV_DISPATCH}
 * and {@code EV_ONESHOT}, {@code EVFILT_USER} with {@code NOTE_TRIGGER} from another thread,
 * {@code EV_EOF}, {@code data} as bytes readable, and knotes dropped when the descriptor is closed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmulatedKqueueTest {
    private final KqueueAbi abi = KqueueAbi.FREEBSD_12;
    private final KeventDescriptor layout = abi.layout;
    private final EmulatedKqueueSystem sys = new EmulatedKqueueSystem(abi);
    private final ByteBuffer changes = NativeMemory.allocate(4 * layout.size);
    private final ByteBuffer out = NativeMemory.allocate(8 * layout.size);
    private final ByteBuffer timeout = NativeMemory.allocate(TimespecDescriptor.SIZE);
    private int kq;
    private int[] pipe;

    @BeforeEach
    void open() throws IOException {
        kq = sys.kqueue();
        pipe = Fds.pipe();
    }

    @AfterEach
    void close() throws IOException {
        sys.close(kq);
        Fds.close(pipe);
        assertEquals(0, sys.openQueues());
    }

    private int change(long ident, int filter, int flags, int fflags, long udata) {
        layout.put(changes, 0, ident, filter, flags, fflags, 0, udata);
        return sys.kevent(kq, NativeMemory.address(changes), 1, NativeMemory.address(out), 1, null);
    }

    private int poll(long nanos) {
        TimespecDescriptor.put(timeout, nanos);
        return sys.kevent(kq, 0, 0, NativeMemory.address(out), 8,
                nanos < 0 ? null : jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), NativeMemory.address(timeout)));
    }

    @Test
    void shouldAnswerEveryReceiptChangeWithEvErrorAndItsResult() {
        assertEquals(1, change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_RECEIPT, 0, 7));
        assertEquals(KqueueAbi.EV_ERROR, layout.flags(out, 0));
        assertEquals(0, layout.data(out, 0));
        assertEquals(1, change(pipe[0], abi.evfiltWrite, KqueueAbi.EV_DELETE | KqueueAbi.EV_RECEIPT, 0, 0));
        assertEquals(Errno.ENOENT, layout.data(out, 0), "deleting a filter never added");
        assertEquals(1, change(pipe[0], abi.evfiltWrite, KqueueAbi.EV_RECEIPT, 0, 0));
        assertEquals(Errno.ENOENT, layout.data(out, 0), "modifying a filter never added");
        assertEquals(1, change(pipe[0], -99, KqueueAbi.EV_ADD | KqueueAbi.EV_RECEIPT, 0, 0));
        assertEquals(Errno.EINVAL, layout.data(out, 0), "unknown filter");
        layout.put(changes, 0, pipe[0], abi.evfiltWrite, KqueueAbi.EV_DELETE, 0, 0, 0);
        assertEquals(-Errno.ENOENT, sys.kevent(kq, NativeMemory.address(changes), 1, 0, 0, null),
                "no room for the error: it is the call's result");
    }

    @Test
    void shouldReportReadableWithBytesAvailableAndTheUdata() throws IOException {
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR | KqueueAbi.EV_RECEIPT, 0, 0xABCL);
        assertEquals(0, poll(0));
        Fds.write(pipe[1], new byte[] {1, 2, 3});
        assertEquals(1, poll(TimeUnit.SECONDS.toNanos(5)));
        assertEquals(abi.evfiltRead, layout.filter(out, 0));
        assertEquals(pipe[0], layout.ident(out, 0));
        assertEquals(3, layout.data(out, 0));
        assertEquals(0xABCL, layout.udata(out, 0));
        assertEquals(KqueueAbi.EV_CLEAR, layout.flags(out, 0));
        assertEquals(0, poll(0), "EV_CLEAR: reported once per new arrival");
    }

    @Test
    void shouldDisableADispatchFilterAfterOneEventUntilEnabled() throws IOException {
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_DISPATCH | KqueueAbi.EV_RECEIPT, 0, 1);
        Fds.write(pipe[1]);
        assertEquals(1, poll(TimeUnit.SECONDS.toNanos(5)));
        assertEquals(0, poll(0), "disabled after its event");
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ENABLE | KqueueAbi.EV_RECEIPT, 0, 2);
        assertEquals(1, poll(TimeUnit.SECONDS.toNanos(5)), "enabled again, and still readable");
        assertEquals(2, layout.udata(out, 0));
        assertEquals(1, change(pipe[0], abi.evfiltRead, KqueueAbi.EV_DELETE | KqueueAbi.EV_RECEIPT, 0, 0));
        assertEquals(0, layout.data(out, 0), "a dispatched filter still exists");
    }

    @Test
    void shouldDeleteAOneshotFilterAfterOneEvent() throws IOException {
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_ONESHOT | KqueueAbi.EV_RECEIPT, 0, 1);
        Fds.write(pipe[1]);
        assertEquals(1, poll(TimeUnit.SECONDS.toNanos(5)));
        assertEquals(1, change(pipe[0], abi.evfiltRead, KqueueAbi.EV_DELETE | KqueueAbi.EV_RECEIPT, 0, 0));
        assertEquals(Errno.ENOENT, layout.data(out, 0), "a oneshot filter is gone after its event");
    }

    @Test
    void shouldWakeABlockedWaitWithAUserEventTriggeredFromAnotherThread() throws Exception {
        change(0, abi.evfiltUser, KqueueAbi.EV_ADD | KqueueAbi.EV_CLEAR | KqueueAbi.EV_RECEIPT, 0, 42);
        Thread trigger = new Thread(() -> {
            ByteBuffer c = NativeMemory.allocate(layout.size);
            layout.put(c, 0, 0, abi.evfiltUser, 0, KqueueAbi.NOTE_TRIGGER, 0, 42);
            sys.kevent(kq, NativeMemory.address(c), 1, 0, 0, null);
        });
        long start = System.nanoTime();
        trigger.start();
        assertEquals(1, poll(-1));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertEquals(abi.evfiltUser, layout.filter(out, 0));
        assertEquals(42, layout.udata(out, 0));
        assertEquals(0, poll(0), "EV_CLEAR resets the trigger once reported");
        trigger.join();
    }

    @Test
    void shouldSetEofWhenTheWriterCloses() throws IOException {
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_RECEIPT, 0, 1);
        Fds.close(pipe[1]);
        pipe[1] = -1;
        assertEquals(1, poll(TimeUnit.SECONDS.toNanos(5)));
        assertTrue((layout.flags(out, 0) & KqueueAbi.EV_EOF) != 0, KqueueEventArray.describe(abi, out, 0));
    }

    @Test
    void shouldDropTheFiltersOfAClosedDescriptor() throws IOException {
        change(pipe[0], abi.evfiltRead, KqueueAbi.EV_ADD | KqueueAbi.EV_RECEIPT, 0, 1);
        Fds.close(pipe[0], pipe[1]);
        assertEquals(1, change(pipe[0], abi.evfiltRead, KqueueAbi.EV_RECEIPT, 0, 1));
        assertEquals(Errno.EBADF, layout.data(out, 0), "closed descriptor");
        pipe = Fds.pipe(); // most likely the same numbers again
        assertEquals(1, change(pipe[0], abi.evfiltRead, KqueueAbi.EV_RECEIPT, 0, 1));
        assertEquals(Errno.ENOENT, layout.data(out, 0), "the new file at that number has no filter");
    }

    @Test
    void shouldWaitForTheTimeoutWhenNothingIsReady() {
        long start = System.nanoTime();
        assertEquals(0, poll(TimeUnit.MILLISECONDS.toNanos(50)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    }
}
