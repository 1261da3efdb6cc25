package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.kenai.jffi.Type;
import org.junit.jupiter.api.Test;

/**
 * The Windows prototypes, checked where they cannot be called: Windows is LLP64, so every handle,
 * socket, {@code ULONG_PTR} and pointer is a 64-bit type and every {@code DWORD}/{@code ULONG}/{@code BOOL}
 * a 32-bit one; argument order and widths as in mingw-w64's {@code ioapiset.h}, {@code winbase.h},
 * {@code winternl.h} and {@code winsock2.h}.
 */
class IocpLibraryTest {
    private static final Type I = Type.SINT32;
    private static final Type U = Type.UINT32;
    private static final Type H = Type.SINT64;
    private static final Type P = Type.POINTER;

    @Test
    void prototypesMatchTheWindowsHeaders() {
        // HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads
        assertArrayEquals(new Type[] {H, H, H, U}, IocpLibrary.CREATE_IO_COMPLETION_PORT_PARAMS);
        // HANDLE, LPOVERLAPPED_ENTRY, ULONG count, PULONG removed, DWORD ms, BOOL alertable
        assertArrayEquals(new Type[] {H, P, U, P, U, I}, IocpLibrary.GET_QUEUED_COMPLETION_STATUS_EX_PARAMS);
        // HANDLE, DWORD bytes, ULONG_PTR key, LPOVERLAPPED
        assertArrayEquals(new Type[] {H, U, H, P}, IocpLibrary.POST_QUEUED_COMPLETION_STATUS_PARAMS);
        assertArrayEquals(new Type[] {H, Type.UINT8}, IocpLibrary.SET_FILE_COMPLETION_NOTIFICATION_MODES_PARAMS);
        assertArrayEquals(new Type[] {H}, IocpLibrary.CLOSE_HANDLE_PARAMS);
        assertEquals(11, IocpLibrary.NT_CREATE_FILE_PARAMS.length);
        // HANDLE, HANDLE Event, PIO_APC_ROUTINE, PVOID ApcContext, PIO_STATUS_BLOCK, ULONG code, PVOID in, ULONG, PVOID out, ULONG
        assertArrayEquals(new Type[] {H, H, P, P, P, U, P, U, P, U}, IocpLibrary.NT_DEVICE_IO_CONTROL_FILE_PARAMS);
        assertArrayEquals(new Type[] {H, P, P}, IocpLibrary.NT_CANCEL_IO_FILE_EX_PARAMS);
        assertArrayEquals(new Type[] {I}, IocpLibrary.RTL_NT_STATUS_TO_DOS_ERROR_PARAMS);
        assertEquals(9, IocpLibrary.WSA_IOCTL_PARAMS.length);
    }

    @Test
    void controlCodes() {
        assertEquals(0x48000022, IocpNative.SIO_BASE_HANDLE);
        assertEquals(0x4800001D, IocpNative.SIO_BSP_HANDLE_POLL);
        assertEquals(0x4800001C, IocpNative.SIO_BSP_HANDLE_SELECT);
        assertEquals(0x4800001B, IocpNative.SIO_BSP_HANDLE);
        assertEquals(0x00100000, IocpNative.SYNCHRONIZE);
        assertEquals(1, IocpNative.FILE_OPEN);
        assertEquals(3, IocpNative.FILE_SHARE_READ_WRITE);
    }
}
