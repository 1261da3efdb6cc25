package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.SyscallException;

import org.junit.jupiter.api.Test;

/** The one place Windows failures become exceptions. */
class WindowsErrorsTest {
    @Test
    void ntStatusNamesTheCallAndTheStatus() {
        SyscallException e = WindowsErrors.ntStatus("NtDeviceIoControlFile(IOCTL_AFD_POLL)",
                WindowsErrors.STATUS_INVALID_HANDLE, WindowsErrors.ERROR_INVALID_HANDLE, "AFD handle 12");
        assertTrue(e.getMessage().startsWith("NtDeviceIoControlFile(IOCTL_AFD_POLL): STATUS_INVALID_HANDLE"), e.getMessage());
        assertTrue(e.getMessage().contains("ERROR_INVALID_HANDLE"), e.getMessage());
        assertTrue(e.getMessage().contains("AFD handle 12"), e.getMessage());
        assertEquals(6, e.errno());
        assertEquals("STATUS_INVALID_HANDLE", e.errnoName());
    }

    @Test
    void unknownCodesStillSaySomething() {
        assertEquals("NTSTATUS 0xC0001234", WindowsErrors.ntStatusName(0xC0001234));
        assertEquals("error 4242", WindowsErrors.win32Name(4242));
    }

    @Test
    void win32ErrorsKeepTheirNameExceptTheRegistryOnes() {
        SyscallException e = WindowsErrors.win32("CreateIoCompletionPort", WindowsErrors.ERROR_NOT_ENOUGH_MEMORY, null);
        assertEquals("ERROR_NOT_ENOUGH_MEMORY", e.errnoName());
        assertTrue(e.getMessage().startsWith("CreateIoCompletionPort: ERROR_NOT_ENOUGH_MEMORY"), e.getMessage());
        SyscallException notSocket = WindowsErrors.win32("WSAIoctl(SIO_BASE_HANDLE)", WindowsErrors.WSAENOTSOCK, "socket 7");
        assertEquals("EBADF", notSocket.errnoName(), "the portable name the Registry documents");
        assertTrue(notSocket.getMessage().contains("WSAENOTSOCK"), notSocket.getMessage());
        assertEquals(10038, notSocket.errno());
        assertEquals("EEXIST", WindowsErrors.alreadyRegistered("register", 8).errnoName());
        assertEquals("ENOENT", WindowsErrors.notRegistered("deregister", 8).errnoName());
    }

    @Test
    void ntSuccessIsTheSignBit() {
        assertTrue(WindowsErrors.isSuccess(WindowsErrors.STATUS_SUCCESS));
        assertTrue(WindowsErrors.isSuccess(WindowsErrors.STATUS_PENDING));
        assertFalse(WindowsErrors.isSuccess(WindowsErrors.STATUS_CANCELLED));
        assertFalse(WindowsErrors.isSuccess(WindowsErrors.STATUS_NOT_FOUND));
        assertEquals(0xC0000120, WindowsErrors.STATUS_CANCELLED);
        assertEquals(0x103, WindowsErrors.STATUS_PENDING);
    }
}
