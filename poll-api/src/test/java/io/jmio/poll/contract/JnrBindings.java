package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;

/**
 * Checks on jnr-ffi binding interfaces that guard against a defect of jnr-ffi (2.2.17, still in the pinned 2.3.0): a function whose
 * arguments are all primitives is compiled into a machine-code stub that, on x86_64, loads a sixth
 * integer argument from the wrong stack slot (see {@code JnrSixArgumentTest} in poll-api for the
 * demonstration). A binding with six or more arguments must therefore make one of them an object
 * ({@code jnr.ffi.Pointer}), which sends the call through jnr-ffi's generic invoker.
 *
 * <p>Threading: stateless.
 */
public final class JnrBindings {
    private JnrBindings() {
    }

    /**
     * Fails if any method of {@code binding} has six or more arguments, all primitive.
     *
     * @param binding a jnr-ffi library interface
     */
    public static void assertNoSixPrimitiveArguments(Class<?> binding) {
        for (Method m : binding.getMethods()) {
            Class<?>[] types = m.getParameterTypes();
            if (types.length < 6) {
                continue;
            }
            boolean allPrimitive = true;
            for (Class<?> t : types) {
                allPrimitive &= t.isPrimitive();
            }
            if (allPrimitive) {
                fail(binding.getName() + "." + m.getName() + " has " + types.length + " primitive arguments: jnr-ffi (2.2.17 to 2.3.0)"
                        + " passes the sixth one wrong on x86_64; make one of them a jnr.ffi.Pointer");
            }
        }
    }
}
