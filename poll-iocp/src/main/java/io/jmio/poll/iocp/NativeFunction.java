package io.jmio.poll.iocp;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallContextCache;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.HeapInvocationBuffer;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One C function called through jffi's primitive invokers, the layer jnr-ffi itself runs on: the
 * allocation-free call path of the Windows bindings ({@link IocpLibrary},
 * {@code io.jmio.poll.iocp.winsock.Ws2}). Internal to poll-iocp; public only so that both of its
 * packages can use it.
 *
 * <p><b>Why not jnr-ffi.</b> jnr-ffi 2.2.17 turns its four fast call generators off on Windows
 * ({@code X86MethodGenerator}, {@code FastInt}, {@code FastLong}, {@code FastNumeric}), so every
 * binding there becomes a stub that fills a new heap invocation buffer per call (32 B for a
 * two-argument call). Calls of up to six arguments here go through {@code Invoker.invokeN0..N6}, which
 * pass every argument as a Java {@code long} and allocate nothing. Longer calls
 * ({@code NtDeviceIoControlFile}, ten arguments) have no primitive invoker; they use a
 * {@link HeapInvocationBuffer} kept per thread and reset before each call, so that they too allocate
 * nothing once the thread has made its first call. Resetting means writing the buffer's two private
 * cursor fields ({@code paramOffset}, {@code paramIndex}, the same in jffi 1.3.13 and 1.4.0) through a
 * {@link VarHandle}; where a jffi keeps them out of reach, {@link #reusesBuffers()} is false and each
 * such call fills a fresh buffer: 128 B per {@code NtDeviceIoControlFile}, that is per AFD poll
 * submission (measured by {@code WindowsCallPathAllocationTest}, which also shows 0 B with reuse).
 *
 * <p><b>Types.</b> Arguments are passed as {@code long}s and narrowed by libffi to the declared C types;
 * results come back as {@code long}s, which callers narrow ({@code (int)} for an {@code int} result).
 * The last error ({@code errno} on Unix, {@code GetLastError()} on Windows, which
 * {@code WSAGetLastError()} returns) is saved by jffi right after each call and read by
 * {@link #lastError()}.
 *
 * <p>Threading: immutable and thread-safe; the saved last error and the reused buffers are per thread.
 */
public final class NativeFunction {
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final LastError LAST_ERROR = LastError.getInstance();
    /** {@code HeapInvocationBuffer}'s private cursor fields, or null where they cannot be reached. */
    private static final VarHandle PARAM_OFFSET;
    private static final VarHandle PARAM_INDEX;

    static {
        VarHandle offset = null;
        VarHandle index = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(HeapInvocationBuffer.class, MethodHandles.lookup());
            offset = lookup.findVarHandle(HeapInvocationBuffer.class, "paramOffset", int.class);
            index = lookup.findVarHandle(HeapInvocationBuffer.class, "paramIndex", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another jffi: a new buffer per long call (allocates; reusesBuffers() says so).
            offset = null;
            index = null;
        }
        PARAM_OFFSET = offset;
        PARAM_INDEX = index;
    }

    private static final byte INT = 0;
    private static final byte LONG = 1;
    private static final byte BYTE = 2;

    private final String name;
    private final long address;
    private final CallContext context;
    private final byte[] kinds;
    private final ThreadLocal<HeapInvocationBuffer> buffers;

    private NativeFunction(String name, long address, CallContext context, byte[] kinds) {
        this.name = name;
        this.address = address;
        this.context = context;
        this.kinds = kinds;
        this.buffers = kinds.length > 6 ? ThreadLocal.withInitial(() -> new HeapInvocationBuffer(context)) : null;
    }

    /**
     * @param library the library ({@code Library.getCachedInstance(name, Library.LAZY | Library.LOCAL)})
     * @param name    the symbol
     * @param result  the C result type ({@link Type#SINT32}, {@link Type#SINT64}, {@link Type#POINTER})
     * @param params  the C parameter types ({@link Type#SINT32}, {@link Type#UINT32}, {@link Type#SINT64},
     *                {@link Type#POINTER}, {@link Type#UINT8})
     * @return the function, or null if the library has no such symbol
     */
    public static NativeFunction find(Library library, String name, Type result, Type... params) {
        long address = library == null ? 0 : library.getSymbolAddress(name);
        if (address == 0) {
            return null;
        }
        byte[] kinds = new byte[params.length];
        for (int i = 0; i < params.length; i++) {
            Type t = params[i];
            kinds[i] = t == Type.SINT32 || t == Type.UINT32 ? INT : t == Type.UINT8 || t == Type.SINT8 ? BYTE : LONG;
        }
        CallContext context = CallContextCache.getInstance().getCallContext(result, params, CallingConvention.DEFAULT, true);
        return new NativeFunction(name, address, context, kinds);
    }

    /**
     * As {@link #find}, failing if the symbol is missing.
     *
     * @param library the library, or null if it could not be opened
     * @param name    the symbol
     * @param result  the C result type
     * @param params  the C parameter types
     * @return the function
     * @throws UnsatisfiedLinkError if {@code library} has no {@code name}
     */
    public static NativeFunction bind(Library library, String name, Type result, Type... params) {
        NativeFunction f = find(library, name, result, params);
        if (f == null) {
            throw new UnsatisfiedLinkError("no " + name + " in the library"
                    + (library == null ? " (not loaded: " + Library.getLastError() + ")" : ""));
        }
        return f;
    }

    /**
     * @param name the library's name, e.g. {@code kernel32}
     * @return the library, opened lazily and kept by jffi's cache, or null with the reason in {@link Library#getLastError()}
     */
    public static Library library(String name) {
        return Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
    }

    /** @return the last error this thread's last call through jffi saved */
    public static int lastError() {
        return LAST_ERROR.get();
    }

    /**
     * @return true if calls of more than six arguments reuse a per-thread buffer (allocate nothing)
     */
    public static boolean reusesBuffers() {
        return PARAM_OFFSET != null;
    }

    /** @return the symbol's name */
    public String name() {
        return name;
    }

    /** @return the number of parameters */
    public int arity() {
        return kinds.length;
    }

    /**
     * A call of 0 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @return the raw result
     */
    public long call0() {
        return INVOKER.invokeN0(context, address);
    }

    /**
     * A call of 1 argument through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call1(long a) {
        return INVOKER.invokeN1(context, address, a);
    }

    /**
     * A call of 2 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @param b argument 2, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call2(long a, long b) {
        return INVOKER.invokeN2(context, address, a, b);
    }

    /**
     * A call of 3 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @param b argument 2, as a {@code long} (pointers and handles are addresses)
     * @param c argument 3, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call3(long a, long b, long c) {
        return INVOKER.invokeN3(context, address, a, b, c);
    }

    /**
     * A call of 4 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @param b argument 2, as a {@code long} (pointers and handles are addresses)
     * @param c argument 3, as a {@code long} (pointers and handles are addresses)
     * @param d argument 4, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call4(long a, long b, long c, long d) {
        return INVOKER.invokeN4(context, address, a, b, c, d);
    }

    /**
     * A call of 5 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @param b argument 2, as a {@code long} (pointers and handles are addresses)
     * @param c argument 3, as a {@code long} (pointers and handles are addresses)
     * @param d argument 4, as a {@code long} (pointers and handles are addresses)
     * @param e argument 5, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call5(long a, long b, long c, long d, long e) {
        return INVOKER.invokeN5(context, address, a, b, c, d, e);
    }

    /**
     * A call of 6 arguments through jffi's primitive invoker (allocates nothing).
     *
     * @param a argument 1, as a {@code long} (pointers and handles are addresses)
     * @param b argument 2, as a {@code long} (pointers and handles are addresses)
     * @param c argument 3, as a {@code long} (pointers and handles are addresses)
     * @param d argument 4, as a {@code long} (pointers and handles are addresses)
     * @param e argument 5, as a {@code long} (pointers and handles are addresses)
     * @param f argument 6, as a {@code long} (pointers and handles are addresses)
     * @return the raw result
     */
    public long call6(long a, long b, long c, long d, long e, long f) {
        return INVOKER.invokeN6(context, address, a, b, c, d, e, f);
    }

    /**
     * A call of seven to eleven arguments, through the invocation buffer (arguments beyond the
     * function's arity are ignored); returns an {@code int} result.
     *
     * @param a argument 1
     * @param b argument 2
     * @param c argument 3
     * @param d argument 4
     * @param e argument 5
     * @param f argument 6
     * @param g argument 7
     * @param h argument 8 (ignored beyond the function's arity, as are the next)
     * @param i argument 9
     * @param j argument 10
     * @param k argument 11
     * @return the result, as a C {@code int}
     * @throws IllegalStateException for a function of six arguments or fewer (use {@code call0..call6})
     */
    public int callInt(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j, long k) {
        int n = kinds.length;
        if (n <= 6 || n > 11) {
            throw new IllegalStateException(this + ": the invocation buffer is for 7 to 11 arguments");
        }
        HeapInvocationBuffer buffer;
        if (PARAM_OFFSET != null) {
            buffer = buffers.get();
            PARAM_OFFSET.set(buffer, 0);
            PARAM_INDEX.set(buffer, 0);
        } else {
            buffer = new HeapInvocationBuffer(context);
        }
        put(buffer, 0, a);
        put(buffer, 1, b);
        put(buffer, 2, c);
        put(buffer, 3, d);
        put(buffer, 4, e);
        put(buffer, 5, f);
        put(buffer, 6, g);
        if (n > 7) {
            put(buffer, 7, h);
        }
        if (n > 8) {
            put(buffer, 8, i);
        }
        if (n > 9) {
            put(buffer, 9, j);
        }
        if (n > 10) {
            put(buffer, 10, k);
        }
        return INVOKER.invokeInt(context, address, buffer);
    }

    private void put(HeapInvocationBuffer buffer, int index, long value) {
        switch (kinds[index]) {
            case INT:
                buffer.putInt((int) value);
                break;
            case BYTE:
                buffer.putByte((int) value);
                break;
            default:
                buffer.putLong(value);
        }
    }

    @Override
    public String toString() {
        return "NativeFunction(" + name + ", " + kinds.length + " arguments)";
    }
}
