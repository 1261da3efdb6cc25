package io.jmio.poll.iocp;

import io.jmio.poll.posix.Platform;

import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The bindings of kernel32, ntdll and ws2_32 that {@link IocpNative} calls (it alone): each function a
 * {@link NativeFunction}, called through jffi's primitive invokers, so that no call allocates (jnr-ffi's
 * stubs would, on Windows). The prototypes are the {@code *_PARAMS} arrays, one C type per argument,
 * pinned by {@code IocpLibraryTest} against the Windows headers and reused by
 * {@code WindowsCallPathAllocationTest} to drive the same call shapes against libc.
 *
 * <p><b>Types.</b> Windows is LLP64: C {@code long} and {@code ULONG}/{@code DWORD} are 32 bits
 * ({@link Type#SINT32}/{@link Type#UINT32}), while every {@code HANDLE}, {@code SOCKET},
 * {@code ULONG_PTR} and pointer is pointer-sized ({@link Type#SINT64}/{@link Type#POINTER}).
 * {@code BOOL} and {@code NTSTATUS} are 32-bit results.
 *
 * <p><b>Calling convention.</b> 64-bit Windows has one calling convention (the Microsoft x64 one, and
 * its ARM64 counterpart), libffi's default there. On 32-bit x86 these functions are {@code __stdcall};
 * this backend refuses to load on 32-bit JVMs instead, since its struct layouts are the 64-bit ones.
 *
 * <p><b>Loading.</b> Nothing is loaded on other operating systems: the static initializer checks the
 * platform first and records why the backend is unavailable.
 *
 * <p>Threading: the bound functions are immutable and thread-safe; the saved last error is per thread.
 */
final class IocpLibrary {
    private static final Type I = Type.SINT32;
    private static final Type U = Type.UINT32;
    private static final Type H = Type.SINT64;
    private static final Type P = Type.POINTER;

    static final Type[] CREATE_IO_COMPLETION_PORT_PARAMS = {H, H, H, U};
    static final Type[] GET_QUEUED_COMPLETION_STATUS_EX_PARAMS = {H, P, U, P, U, I};
    static final Type[] POST_QUEUED_COMPLETION_STATUS_PARAMS = {H, U, H, P};
    static final Type[] SET_FILE_COMPLETION_NOTIFICATION_MODES_PARAMS = {H, Type.UINT8};
    static final Type[] CLOSE_HANDLE_PARAMS = {H};
    static final Type[] NT_CREATE_FILE_PARAMS = {P, U, P, P, P, U, U, U, U, P, U};
    static final Type[] NT_DEVICE_IO_CONTROL_FILE_PARAMS = {H, H, P, P, P, U, P, U, P, U};
    static final Type[] NT_CANCEL_IO_FILE_EX_PARAMS = {H, P, P};
    static final Type[] RTL_NT_STATUS_TO_DOS_ERROR_PARAMS = {I};
    static final Type[] WSA_IOCTL_PARAMS = {H, U, P, U, P, U, P, P, P};

    final NativeFunction createIoCompletionPort;
    final NativeFunction getQueuedCompletionStatusEx;
    final NativeFunction postQueuedCompletionStatus;
    final NativeFunction setFileCompletionNotificationModes;
    final NativeFunction closeHandle;
    final NativeFunction ntCreateFile;
    final NativeFunction ntDeviceIoControlFile;
    final NativeFunction ntCancelIoFileEx;
    final NativeFunction rtlNtStatusToDosError;
    final NativeFunction wsaIoctl;

    /** The bound functions, or null off Windows. */
    static final IocpLibrary BOUND;
    /** Why the libraries are not bound, or null. */
    static final Throwable LOAD_FAILURE;

    static {
        IocpLibrary bound = null;
        Throwable failure = unsupportedPlatform(Platform.current(), System.getProperty("os.arch", ""));
        if (failure == null) {
            try {
                bound = new IocpLibrary(NativeFunction.library("kernel32.dll"), NativeFunction.library("ntdll.dll"),
                        NativeFunction.library("ws2_32.dll"));
            } catch (Throwable t) {
                failure = t;
            }
        }
        BOUND = bound;
        LOAD_FAILURE = failure;
    }

    private IocpLibrary(Library kernel32, Library ntdll, Library ws2) {
        // ntdll's functions report an NTSTATUS and leave the last error alone; it is saved all the same.
        createIoCompletionPort = NativeFunction.bind(kernel32, "CreateIoCompletionPort", H, CREATE_IO_COMPLETION_PORT_PARAMS);
        getQueuedCompletionStatusEx = NativeFunction.bind(kernel32, "GetQueuedCompletionStatusEx", I,
                GET_QUEUED_COMPLETION_STATUS_EX_PARAMS);
        postQueuedCompletionStatus = NativeFunction.bind(kernel32, "PostQueuedCompletionStatus", I,
                POST_QUEUED_COMPLETION_STATUS_PARAMS);
        setFileCompletionNotificationModes = NativeFunction.bind(kernel32, "SetFileCompletionNotificationModes", I,
                SET_FILE_COMPLETION_NOTIFICATION_MODES_PARAMS);
        closeHandle = NativeFunction.bind(kernel32, "CloseHandle", I, CLOSE_HANDLE_PARAMS);
        ntCreateFile = NativeFunction.bind(ntdll, "NtCreateFile", I, NT_CREATE_FILE_PARAMS);
        ntDeviceIoControlFile = NativeFunction.bind(ntdll, "NtDeviceIoControlFile", I, NT_DEVICE_IO_CONTROL_FILE_PARAMS);
        ntCancelIoFileEx = NativeFunction.bind(ntdll, "NtCancelIoFileEx", I, NT_CANCEL_IO_FILE_EX_PARAMS);
        rtlNtStatusToDosError = NativeFunction.bind(ntdll, "RtlNtStatusToDosError", U, RTL_NT_STATUS_TO_DOS_ERROR_PARAMS);
        wsaIoctl = NativeFunction.bind(ws2, "WSAIoctl", I, WSA_IOCTL_PARAMS);
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
