package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.contract.Fds;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The ring on the real kernel: entries written, published, submitted and their completions reaped. */
@EnabledOnOs(OS.LINUX)
class RingTest {
    private Ring ring;
    private int[] pipe;

    @BeforeEach
    void open() throws IOException {
        UringTestBackend.available();
        ring = Ring.open(8, 16);
        pipe = Fds.pipe();
    }

    @AfterEach
    void close() throws IOException {
        ring.close();
        Fds.close(pipe);
    }

    private void submitAndWait(int minComplete) throws IOException {
        ring.publish();
        int pending = ring.sqPending();
        assertEquals(pending, UringNative.enter(ring.fd, pending, minComplete, UringNative.IORING_ENTER_GETEVENTS));
        assertEquals(0, ring.sqPending());
    }

    @Test
    void shouldKeepTheKernelsSizesAndCountFreeSlots() {
        assertEquals(8, ring.sqEntries);
        assertEquals(16, ring.cqEntries);
        assertEquals(8, ring.sqFree());
        ring.prepTimeout(1_000_000, 0, 1);
        assertEquals(7, ring.sqFree());
        assertEquals(1, ring.sqPending(), "written, not yet consumed");
    }

    @Test
    void shouldExpireATimeoutWithEtime() throws IOException {
        long start = System.nanoTime();
        ring.prepTimeout(2_000_000, 0, UserData.of(UserData.TIMEOUT) | 5);
        submitAndWait(1);
        assertTrue(System.nanoTime() - start >= 2_000_000, "the 2 ms timeout completed early");
        assertEquals(1, ring.cqReady());
        assertEquals(UserData.of(UserData.TIMEOUT) | 5, ring.cqeUserData(0));
        assertEquals(-UringNative.ETIME, ring.cqeRes(0));
        ring.cqAdvance(1);
        assertEquals(0, ring.cqReady());
    }

    @Test
    void shouldReportReadinessOfAMultishotPollAndUpdateItInPlace() throws IOException {
        long first = UserData.poll(pipe[0], 1);
        long second = UserData.poll(pipe[0], 2);
        ring.prepPollAdd(pipe[0], UringNative.POLLIN, true, first);
        submitAndWait(0);
        assertEquals(0, ring.cqReady(), "nothing to read yet");
        Fds.write(pipe[1]);
        submitAndWait(1);
        assertEquals(1, ring.cqReady());
        assertEquals(first, ring.cqeUserData(0));
        assertEquals(UringNative.POLLIN, ring.cqeRes(0) & UringNative.POLLIN);
        assertEquals(UringNative.IORING_CQE_F_MORE, ring.cqeFlags(0) & UringNative.IORING_CQE_F_MORE, "multishot stays armed");
        ring.cqAdvance(1);
        // The update re-arms on the same file under the new user_data; the data is still unread, so it reports.
        ring.prepPollUpdate(first, second, UringNative.POLLIN, UserData.update(pipe[0], 2));
        submitAndWait(1);
        assertEquals(1, ring.cqReady(), "one completion: the update's own success is skipped");
        assertEquals(second, ring.cqeUserData(0));
        ring.cqAdvance(1);
        // An update of a request that does not exist fails with ENOENT under the update's user_data.
        ring.prepPollUpdate(first, second, UringNative.POLLIN, UserData.update(pipe[0], 3));
        submitAndWait(1);
        assertEquals(UserData.update(pipe[0], 3), ring.cqeUserData(0));
        assertEquals(-2, ring.cqeRes(0));
        ring.cqAdvance(1);
        assertTrue(UringNative.syncCancel(ring.fd, second), "the live request is found by its user_data");
        assertEquals(false, UringNative.syncCancel(ring.fd, second), "and only once");
    }
}
