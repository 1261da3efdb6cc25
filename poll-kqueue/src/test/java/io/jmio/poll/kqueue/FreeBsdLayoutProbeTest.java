package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link KqueueNative#probeFreeBsd} over the emulation of both FreeBSD layouts. The emulation follows
 * FreeBSD's {@code kqueue_register} in ignoring {@code NOTE_TRIGGER} on the change that creates an
 * {@code EVFILT_USER} knote, so a probe that relies on trigger-on-add (as XNU allows) finds no event
 * here, as it would on FreeBSD.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FreeBsdLayoutProbeTest {
    @Test
    void shouldTellTheSixtyFourByteLayoutOfFreeBsd12() throws IOException {
        EmulatedKqueueSystem sys = new EmulatedKqueueSystem(KqueueAbi.FREEBSD_12);
        assertSame(KqueueAbi.FREEBSD_12, KqueueNative.probeFreeBsd(sys));
        assertEquals(0, sys.openQueues(), "the probe closes its kqueue");
    }

    @Test
    void shouldTellTheThirtyTwoByteLayoutOfAFreeBsd11Userland() throws IOException {
        EmulatedKqueueSystem sys = new EmulatedKqueueSystem(KqueueAbi.FREEBSD_11);
        assertSame(KqueueAbi.FREEBSD_11, KqueueNative.probeFreeBsd(sys));
        assertEquals(0, sys.openQueues(), "the probe closes its kqueue");
    }
}
