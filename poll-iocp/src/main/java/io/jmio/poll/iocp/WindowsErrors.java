package io.jmio.poll.iocp;

import io.jmio.poll.SyscallException;

/**
 * The one place this backend turns a Windows failure into an exception: an {@code NTSTATUS} from a
 * native ({@code Nt*}) call, or a Win32 error from {@code GetLastError} / {@code WSAGetLastError}.
 *
 * <p>The exception names the call and the symbolic error, e.g.
 * {@code NtDeviceIoControlFile(IOCTL_AFD_POLL): STATUS_INVALID_HANDLE (Win32 error 6 ERROR_INVALID_HANDLE: ...)};
 * {@link SyscallException#errno()} is the Win32 error number (for an {@code NTSTATUS}, what
 * {@code RtlNtStatusToDosError} maps it to). The three registry errors that jmio names portably
 * ({@code EEXIST}, {@code ENOENT}, {@code EBADF}, see {@link io.jmio.poll.Registry}) carry those names,
 * with the Windows name in the message.
 *
 * <p>Threading: stateless.
 */
final class WindowsErrors {
    static final int STATUS_SUCCESS = 0;
    static final int STATUS_PENDING = 0x00000103;
    static final int STATUS_INVALID_HANDLE = 0xC0000008;
    static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    static final int STATUS_NO_MEMORY = 0xC0000017;
    static final int STATUS_ACCESS_DENIED = 0xC0000022;
    static final int STATUS_OBJECT_TYPE_MISMATCH = 0xC0000024;
    static final int STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;
    static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
    static final int STATUS_NOT_SUPPORTED = 0xC00000BB;
    static final int STATUS_CANCELLED = 0xC0000120;
    static final int STATUS_NOT_FOUND = 0xC0000225;

    static final int ERROR_SUCCESS = 0;
    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_NOT_SUPPORTED = 50;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_ALREADY_EXISTS = 183;
    static final int WAIT_TIMEOUT = 258;
    static final int ERROR_ABANDONED_WAIT_0 = 735;
    static final int ERROR_OPERATION_ABORTED = 995;
    static final int ERROR_IO_PENDING = 997;
    static final int ERROR_NOT_FOUND = 1168;
    static final int WSAEBADF = 10009;
    static final int WSAEFAULT = 10014;
    static final int WSAEINVAL = 10022;
    static final int WSAENOTSOCK = 10038;
    static final int WSAEOPNOTSUPP = 10045;
    static final int WSANOTINITIALISED = 10093;

    private WindowsErrors() {
    }

    /** @return true for the success and informational severities (the {@code NT_SUCCESS} macro) */
    static boolean isSuccess(int ntStatus) {
        return ntStatus >= 0;
    }

    /** @return the symbolic name of an {@code NTSTATUS}, or its hexadecimal value */
    static String ntStatusName(int status) {
        switch (status) {
            case STATUS_SUCCESS: return "STATUS_SUCCESS";
            case STATUS_PENDING: return "STATUS_PENDING";
            case STATUS_INVALID_HANDLE: return "STATUS_INVALID_HANDLE";
            case STATUS_INVALID_PARAMETER: return "STATUS_INVALID_PARAMETER";
            case STATUS_NO_MEMORY: return "STATUS_NO_MEMORY";
            case STATUS_ACCESS_DENIED: return "STATUS_ACCESS_DENIED";
            case STATUS_OBJECT_TYPE_MISMATCH: return "STATUS_OBJECT_TYPE_MISMATCH";
            case STATUS_OBJECT_NAME_NOT_FOUND: return "STATUS_OBJECT_NAME_NOT_FOUND";
            case STATUS_INSUFFICIENT_RESOURCES: return "STATUS_INSUFFICIENT_RESOURCES";
            case STATUS_NOT_SUPPORTED: return "STATUS_NOT_SUPPORTED";
            case STATUS_CANCELLED: return "STATUS_CANCELLED";
            case STATUS_NOT_FOUND: return "STATUS_NOT_FOUND";
            default: return String.format("NTSTATUS 0x%08X", status);
        }
    }

    /** @return the symbolic name of a Win32 or Winsock error, or {@code error N} */
    static String win32Name(int error) {
        switch (error) {
            case ERROR_SUCCESS: return "ERROR_SUCCESS";
            case ERROR_FILE_NOT_FOUND: return "ERROR_FILE_NOT_FOUND";
            case ERROR_ACCESS_DENIED: return "ERROR_ACCESS_DENIED";
            case ERROR_INVALID_HANDLE: return "ERROR_INVALID_HANDLE";
            case ERROR_NOT_ENOUGH_MEMORY: return "ERROR_NOT_ENOUGH_MEMORY";
            case ERROR_NOT_SUPPORTED: return "ERROR_NOT_SUPPORTED";
            case ERROR_INVALID_PARAMETER: return "ERROR_INVALID_PARAMETER";
            case ERROR_ALREADY_EXISTS: return "ERROR_ALREADY_EXISTS";
            case WAIT_TIMEOUT: return "WAIT_TIMEOUT";
            case ERROR_ABANDONED_WAIT_0: return "ERROR_ABANDONED_WAIT_0";
            case ERROR_OPERATION_ABORTED: return "ERROR_OPERATION_ABORTED";
            case ERROR_IO_PENDING: return "ERROR_IO_PENDING";
            case ERROR_NOT_FOUND: return "ERROR_NOT_FOUND";
            case WSAEBADF: return "WSAEBADF";
            case WSAEFAULT: return "WSAEFAULT";
            case WSAEINVAL: return "WSAEINVAL";
            case WSAENOTSOCK: return "WSAENOTSOCK";
            case WSAEOPNOTSUPP: return "WSAEOPNOTSUPP";
            case WSANOTINITIALISED: return "WSANOTINITIALISED";
            default: return "error " + error;
        }
    }

    /**
     * A failed native call.
     *
     * @param call     the call and its operation, e.g. {@code NtDeviceIoControlFile(IOCTL_AFD_POLL)}
     * @param status   the {@code NTSTATUS} it returned
     * @param dosError what {@code RtlNtStatusToDosError} maps it to
     * @param context  what was being done, or null
     * @return the exception, to throw
     */
    static SyscallException ntStatus(String call, int status, int dosError, String context) {
        String message = "Win32 error " + dosError + " " + win32Name(dosError) + (context == null ? "" : ": " + context);
        return new SyscallException(call, dosError, ntStatusName(status), message);
    }

    /**
     * A failed Win32 or Winsock call.
     *
     * @param call    the call, e.g. {@code CreateIoCompletionPort}
     * @param error   {@code GetLastError()} (which {@code WSAGetLastError()} also returns)
     * @param context what was being done, or null
     * @return the exception, to throw
     */
    static SyscallException win32(String call, int error, String context) {
        if (error == WSAENOTSOCK || error == ERROR_INVALID_HANDLE || error == WSAEBADF) {
            return new SyscallException(call, error, "EBADF", win32Name(error)
                    + ": the handle is closed or not a socket" + (context == null ? "" : ": " + context));
        }
        return new SyscallException(call, error, win32Name(error), "Win32 error " + error + (context == null ? "" : ": " + context));
    }

    /** @return the exception for registering a socket twice */
    static SyscallException alreadyRegistered(String call, long socket) {
        return new SyscallException(call, ERROR_ALREADY_EXISTS, "EEXIST", "ERROR_ALREADY_EXISTS: socket " + socket
                + " is already registered with this Poll");
    }

    /** @return the exception for a socket this poll does not know */
    static SyscallException notRegistered(String call, long socket) {
        return new SyscallException(call, ERROR_NOT_FOUND, "ENOENT", "ERROR_NOT_FOUND: socket " + socket
                + " is not registered with this Poll");
    }
}
