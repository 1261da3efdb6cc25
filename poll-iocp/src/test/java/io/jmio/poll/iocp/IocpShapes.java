package io.jmio.poll.iocp;

import com.kenai.jffi.Type;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prototypes {@link IocpLibrary} binds, by function name, for {@code WindowsCallPathProbe}, which
 * calls functions of the same shapes through the same {@link NativeFunction} invokers on Linux.
 */
public final class IocpShapes {
    private IocpShapes() {
    }

    /** @return every bound kernel32/ntdll/ws2_32 function of the IOCP backend and its parameter types */
    public static Map<String, Type[]> all() {
        Map<String, Type[]> m = new LinkedHashMap<>();
        m.put("CreateIoCompletionPort", IocpLibrary.CREATE_IO_COMPLETION_PORT_PARAMS);
        m.put("GetQueuedCompletionStatusEx", IocpLibrary.GET_QUEUED_COMPLETION_STATUS_EX_PARAMS);
        m.put("PostQueuedCompletionStatus", IocpLibrary.POST_QUEUED_COMPLETION_STATUS_PARAMS);
        m.put("SetFileCompletionNotificationModes", IocpLibrary.SET_FILE_COMPLETION_NOTIFICATION_MODES_PARAMS);
        m.put("CloseHandle", IocpLibrary.CLOSE_HANDLE_PARAMS);
        m.put("NtCreateFile", IocpLibrary.NT_CREATE_FILE_PARAMS);
        m.put("NtDeviceIoControlFile", IocpLibrary.NT_DEVICE_IO_CONTROL_FILE_PARAMS);
        m.put("NtCancelIoFileEx", IocpLibrary.NT_CANCEL_IO_FILE_EX_PARAMS);
        m.put("RtlNtStatusToDosError", IocpLibrary.RTL_NT_STATUS_TO_DOS_ERROR_PARAMS);
        m.put("WSAIoctl", IocpLibrary.WSA_IOCTL_PARAMS);
        return m;
    }
}
