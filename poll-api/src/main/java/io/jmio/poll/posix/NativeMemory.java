package io.jmio.poll.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory for the backends: direct {@link ByteBuffer}s, freed by the garbage collector with the
 * object that owns them, and their raw addresses for system calls.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class NativeMemory {
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
        return com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(direct);
    }
}
