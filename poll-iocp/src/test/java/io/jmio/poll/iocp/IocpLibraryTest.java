package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

import jnr.ffi.types.intptr_t;
import org.junit.jupiter.api.Test;

/**
 * The Windows signatures, checked where they cannot be called: Windows is LLP64, so every Java
 * {@code long} in these bindings must be a pointer-sized {@code @intptr_t} (never a C {@code long},
 * which is 32 bits there), and every 32-bit C type a Java {@code int}.
 */
class IocpLibraryTest {
    private static final Class<?>[] LIBRARIES = {IocpLibrary.Kernel32.class, IocpLibrary.Ntdll.class, IocpLibrary.Ws2_32.class};

    private static boolean isIntptr(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType() == intptr_t.class) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyLongIsPointerSized() {
        List<String> wrong = new ArrayList<>();
        for (Class<?> library : LIBRARIES) {
            for (Method m : library.getDeclaredMethods()) {
                if (m.getReturnType() == long.class && !isIntptr(m.getAnnotations())) {
                    wrong.add(m.getName() + " return");
                }
                for (Parameter p : m.getParameters()) {
                    if (p.getType() == long.class && !isIntptr(p.getAnnotations())) {
                        wrong.add(m.getName() + " " + p.getName());
                    }
                    assertTrue(p.getType() == long.class || p.getType() == int.class || p.getType() == byte.class,
                            m.getName() + " takes " + p.getType() + ": only raw scalars on these paths");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void argumentCountsMatchTheWindowsPrototypes() throws Exception {
        assertEquals(4, count(IocpLibrary.Kernel32.class, "CreateIoCompletionPort"));
        assertEquals(6, count(IocpLibrary.Kernel32.class, "GetQueuedCompletionStatusEx"));
        assertEquals(4, count(IocpLibrary.Kernel32.class, "PostQueuedCompletionStatus"));
        assertEquals(2, count(IocpLibrary.Kernel32.class, "SetFileCompletionNotificationModes"));
        assertEquals(1, count(IocpLibrary.Kernel32.class, "CloseHandle"));
        assertEquals(11, count(IocpLibrary.Ntdll.class, "NtCreateFile"));
        assertEquals(10, count(IocpLibrary.Ntdll.class, "NtDeviceIoControlFile"));
        assertEquals(3, count(IocpLibrary.Ntdll.class, "NtCancelIoFileEx"));
        assertEquals(1, count(IocpLibrary.Ntdll.class, "RtlNtStatusToDosError"));
        assertEquals(9, count(IocpLibrary.Ws2_32.class, "WSAIoctl"));
    }

    private static int count(Class<?> library, String name) {
        for (Method m : library.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m.getParameterCount();
            }
        }
        throw new AssertionError(name + " not bound");
    }

    @Test
    void controlCodes() {
        assertEquals(0x48000022, IocpNative.SIO_BASE_HANDLE);
        assertEquals(0x4800001D, IocpNative.SIO_BSP_HANDLE_POLL);
        assertEquals(0x00100000, IocpNative.SYNCHRONIZE);
        assertEquals(1, IocpNative.FILE_OPEN);
        assertEquals(3, IocpNative.FILE_SHARE_READ_WRITE);
    }
}
