package io.jmio.poll.iocp;

import io.jmio.poll.posix.Platform;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.intptr_t;

/**
 * The jnr-ffi bindings of kernel32, ntdll and ws2_32. Only {@link IocpNative} calls them.
 *
 * <p>The interfaces are public at the JVM level only because jnr-ffi implements them in a class loader
 * of its own; this package-private holder keeps them out of reach of other packages.
 *
 * <p><b>Types.</b> Windows is LLP64: C {@code long} and {@code ULONG}/{@code DWORD} are 32 bits, so
 * they are Java {@code int}s here, while every {@code HANDLE}, {@code SOCKET}, {@code ULONG_PTR} and
 * pointer is a Java {@code long} marked {@code @intptr_t} (pointer-sized). {@code BOOL} is an
 * {@code int}; {@code NTSTATUS} an {@code int}.
 *
 * <p><b>Calling convention.</b> 64-bit Windows has one calling convention (the Microsoft x64 one, and
 * its ARM64 counterpart), which is jnr-ffi's default there, so no annotation is needed. On 32-bit x86
 * these functions are {@code __stdcall} and would need {@code @StdCall} (or the {@code STDCALL} library
 * option); this backend refuses to load on 32-bit JVMs instead, since its struct layouts are the
 * 64-bit ones.
 *
 * <p><b>Loading.</b> Nothing is loaded on other operating systems: the static initializer checks the
 * platform first and records why the backend is unavailable.
 *
 * <p>Threading: the bound libraries are immutable and thread-safe; the last error jnr-ffi saves is
 * per thread.
 */
final class IocpLibrary {
    private IocpLibrary() {
    }

    /** kernel32.dll: completion ports and handles. */
    public interface Kernel32 {
        @intptr_t long CreateIoCompletionPort(@intptr_t long fileHandle, @intptr_t long existingCompletionPort,
                @intptr_t long completionKey, int numberOfConcurrentThreads);

        int GetQueuedCompletionStatusEx(@intptr_t long completionPort, @intptr_t long entries, int count,
                @intptr_t long numEntriesRemoved, int milliseconds, int alertable);

        int PostQueuedCompletionStatus(@intptr_t long completionPort, int numberOfBytesTransferred,
                @intptr_t long completionKey, @intptr_t long overlapped);

        int SetFileCompletionNotificationModes(@intptr_t long fileHandle, byte flags);

        int CloseHandle(@intptr_t long handle);
    }

    /** ntdll.dll: the native API, which reports an {@code NTSTATUS} and leaves the last error alone. */
    public interface Ntdll {
        @IgnoreError
        int NtCreateFile(@intptr_t long fileHandle, int desiredAccess, @intptr_t long objectAttributes,
                @intptr_t long ioStatusBlock, @intptr_t long allocationSize, int fileAttributes, int shareAccess,
                int createDisposition, int createOptions, @intptr_t long eaBuffer, int eaLength);

        @IgnoreError
        int NtDeviceIoControlFile(@intptr_t long fileHandle, @intptr_t long event, @intptr_t long apcRoutine,
                @intptr_t long apcContext, @intptr_t long ioStatusBlock, int ioControlCode,
                @intptr_t long inputBuffer, int inputBufferLength, @intptr_t long outputBuffer, int outputBufferLength);

        @IgnoreError
        int NtCancelIoFileEx(@intptr_t long fileHandle, @intptr_t long ioRequestToCancel, @intptr_t long ioStatusBlock);

        @IgnoreError
        int RtlNtStatusToDosError(int status);
    }

    /** ws2_32.dll: Winsock, for the base socket under layered service providers. */
    public interface Ws2_32 {
        int WSAIoctl(@intptr_t long socket, int ioControlCode, @intptr_t long inBuffer, int inBufferLength,
                @intptr_t long outBuffer, int outBufferLength, @intptr_t long bytesReturned,
                @intptr_t long overlapped, @intptr_t long completionRoutine);
    }

    static final Kernel32 KERNEL32;
    static final Ntdll NTDLL;
    static final Ws2_32 WS2_32;
    /** The runtime of kernel32, whose saved last error is {@code GetLastError()}. */
    static final Runtime RUNTIME;
    /** Why the libraries are not bound, or null. */
    static final Throwable LOAD_FAILURE;

    static {
        Kernel32 kernel32 = null;
        Ntdll ntdll = null;
        Ws2_32 ws2 = null;
        Runtime runtime = null;
        Throwable failure = unsupportedPlatform(Platform.current(), System.getProperty("os.arch", ""));
        if (failure == null) {
            try {
                kernel32 = LibraryLoader.create(Kernel32.class).failImmediately().load("kernel32");
                ntdll = LibraryLoader.create(Ntdll.class).failImmediately().load("ntdll");
                ws2 = LibraryLoader.create(Ws2_32.class).failImmediately().load("ws2_32");
                runtime = Runtime.getRuntime(kernel32);
            } catch (Throwable t) {
                failure = t;
                kernel32 = null;
                ntdll = null;
                ws2 = null;
            }
        }
        KERNEL32 = kernel32;
        NTDLL = ntdll;
        WS2_32 = ws2;
        RUNTIME = runtime;
        LOAD_FAILURE = failure;
    }

    /** @return why this backend cannot run on {@code platform} with {@code osArch}, or null if it can */
    static Throwable unsupportedPlatform(Platform platform, String osArch) {
        if (platform != Platform.WINDOWS) {
            return new UnsupportedOperationException("IOCP exists on Windows only, not on " + System.getProperty("os.name"));
        }
        if (!(osArch.equals("amd64") || osArch.equals("x86_64") || osArch.equals("aarch64") || osArch.equals("arm64"))) {
            return new UnsupportedOperationException("the iocp backend needs a 64-bit JVM (x64 or ARM64), not " + osArch);
        }
        return null;
    }
}
