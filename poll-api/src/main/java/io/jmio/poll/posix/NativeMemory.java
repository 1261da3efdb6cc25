package io.jmio.poll.posix;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory for the backends: direct {@link ByteBuffer}s, freed by the garbage collector with the
 * object that owns them, and their raw addresses for system calls.
 *
 * <p>Every read and write of a direct buffer asks for its address, so that lookup is on the hot path.
 * The portable way, JNI's {@code GetDirectBufferAddress} (through jffi), costs a JNI transition, about
 * 20 ns here: as much as the native call it feeds. If the JVM lets jmio see the JDK's own accessor, the
 * address is read in Java instead (about 1 ns), in this order of preference:
 * <ol>
 *   <li>{@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}: the JDK's {@code DirectBuffer.address()},
 *       which the JDK's own channels use;</li>
 *   <li>{@code --add-opens java.base/java.nio=ALL-UNNAMED}: the {@code Buffer.address} field, read
 *       through a {@link VarHandle};</li>
 *   <li>neither: JNI.</li>
 * </ol>
 * A fast way is used only if, when this class initialises, it gives the same addresses as JNI for a
 * buffer, a slice of it and a duplicate; {@link #addressLookup()} says which was chosen. Nothing is
 * cached per buffer: every call reads the buffer's own address, so slices, duplicates and buffers
 * that are dropped and collected are never confused.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class NativeMemory {
    private static final com.kenai.jffi.MemoryIO JFFI = com.kenai.jffi.MemoryIO.getInstance();
    /** {@code sun.nio.ch.DirectBuffer.address()} as {@code (Object) long}, or null. */
    private static final MethodHandle DIRECT_BUFFER_ADDRESS;
    /** {@code java.nio.Buffer.address}, or null. */
    private static final VarHandle BUFFER_ADDRESS;
    private static final String LOOKUP;

    static {
        MethodHandle viaExport = verified(directBufferAddress());
        VarHandle viaOpen = viaExport == null ? verified(bufferAddressField()) : null;
        DIRECT_BUFFER_ADDRESS = viaExport;
        BUFFER_ADDRESS = viaOpen;
        LOOKUP = viaExport != null ? "sun.nio.ch.DirectBuffer.address()"
                : viaOpen != null ? "java.nio.Buffer.address" : "JNI GetDirectBufferAddress";
    }

    private NativeMemory() {
    }

    /**
     * @param size bytes
     * @return zeroed direct memory in native byte order
     */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /**
     * @param direct a direct buffer
     * @return the address of its first byte (not of its position)
     * @throws IllegalArgumentException if the buffer is not direct
     */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        if (DIRECT_BUFFER_ADDRESS != null) {
            try {
                return (long) DIRECT_BUFFER_ADDRESS.invokeExact((Object) direct);
            } catch (Throwable t) {
                throw new AssertionError("DirectBuffer.address() cannot fail", t);
            }
        }
        if (BUFFER_ADDRESS != null) {
            return (long) BUFFER_ADDRESS.get((Buffer) direct);
        }
        return JFFI.getDirectBufferAddress(direct);
    }

    /**
     * @param direct a direct buffer
     * @return its address through JNI, whatever {@link #addressLookup()} says (for tests and benchmarks)
     */
    public static long addressByJni(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return JFFI.getDirectBufferAddress(direct);
    }

    /** @return how {@link #address} finds an address: the JDK accessor it uses, or JNI */
    public static String addressLookup() {
        return LOOKUP;
    }

    private static MethodHandle directBufferAddress() {
        try {
            Class<?> c = Class.forName("sun.nio.ch.DirectBuffer");
            return MethodHandles.lookup().findVirtual(c, "address", MethodType.methodType(long.class))
                    .asType(MethodType.methodType(long.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;  // not exported to jmio: IllegalAccessException
        }
    }

    private static VarHandle bufferAddressField() {
        try {
            return MethodHandles.privateLookupIn(Buffer.class, MethodHandles.lookup())
                    .findVarHandle(Buffer.class, "address", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;  // not opened to jmio: IllegalAccessException
        }
    }

    /** Returns the accessor if it agrees with JNI on a buffer, a slice and a duplicate, else null. */
    private static <T> T verified(T accessor) {
        if (accessor == null) {
            return null;
        }
        try {
            ByteBuffer base = ByteBuffer.allocateDirect(64);
            ByteBuffer[] probes = {base, base.slice(8, 16), base.position(3).slice(), base.duplicate(),
                    base.asReadOnlyBuffer()};
            for (ByteBuffer b : probes) {
                long expected = JFFI.getDirectBufferAddress(b);
                long got = accessor instanceof MethodHandle
                        ? (long) ((MethodHandle) accessor).invokeExact((Object) b)
                        : (long) ((VarHandle) accessor).get((Buffer) b);
                if (expected == 0 || got != expected) {
                    return null;
                }
            }
            return accessor;
        } catch (Throwable t) {
            return null;
        }
    }
}
