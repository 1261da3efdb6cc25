package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.contract.JnrBindings;
import org.junit.jupiter.api.Test;

/** {@code kevent} has six arguments: its binding must keep clear of jnr-ffi's six-argument defect. */
class KqueueJnrBindingTest {
    @Test
    void keventTakesItsTimeoutAsAPointer() throws NoSuchMethodException {
        JnrBindings.assertNoSixPrimitiveArguments(KqueueLibrary.Lib.class);
        assertEquals(jnr.ffi.Pointer.class, KqueueLibrary.Lib.class.getMethod("kevent", int.class, long.class, int.class,
                long.class, int.class, jnr.ffi.Pointer.class).getParameterTypes()[5]);
    }
}
