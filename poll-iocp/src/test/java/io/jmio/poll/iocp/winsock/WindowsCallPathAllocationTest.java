package io.jmio.poll.iocp.winsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Zero garbage on the Windows call path, shown on Linux: {@link WindowsCallPathProbe} runs in a JVM
 * of its own with {@code -Djnr.ffi.x86asm.enabled=false -Djnr.ffi.fast-int.enabled=false
 * -Djnr.ffi.fast-long.enabled=false -Djnr.ffi.fast-numeric.enabled=false}, the property names the four
 * generators of the pinned jnr-ffi 2.2.17 read ({@code X86MethodGenerator}, {@code FastIntMethodGenerator},
 * {@code FastLongMethodGenerator}, {@code FastNumericMethodGenerator}) and the choice jnr-ffi makes on
 * Windows, where each {@code isSupported} refuses the OS. There it drives the Windows bindings' own call
 * mechanism ({@code NativeFunction}, {@code Ws2.Direct}, the {@code WinsockSockets} facade) against
 * libc functions of the same shapes, and a plain jnr-ffi binding as the control.
 *
 * <p>What this does not show: that jffi's Windows DLL behaves as its Linux library does (the review
 * found the same {@code invokeN*} and {@code invokeArray*} natives exported there), and the Windows
 * functions themselves. That is for the {@code windows-latest} job.
 */
@EnabledOnOs(OS.LINUX)
class WindowsCallPathAllocationTest {
    private static final List<String> WINDOWS_GENERATORS = List.of("-Djnr.ffi.x86asm.enabled=false",
            "-Djnr.ffi.fast-int.enabled=false", "-Djnr.ffi.fast-long.enabled=false", "-Djnr.ffi.fast-numeric.enabled=false");

    private static final Map<String, Double> ALLOC = new LinkedHashMap<>();
    private static final Map<String, String> CHECKS = new LinkedHashMap<>();
    private static final List<String> OUTPUT = new ArrayList<>();

    @BeforeAll
    static void runProbe() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) {
                command.add(arg);
            }
        }
        command.addAll(WINDOWS_GENERATORS);
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WindowsCallPathProbe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                OUTPUT.add(line);
                System.out.println("probe: " + line); // the figures, in the test report
                String[] f = line.split(" ", 3);
                if (f[0].equals("ALLOC") && f.length == 3) {
                    ALLOC.put(f[1], Double.parseDouble(f[2]));
                } else if (f[0].equals("CHECK") && f.length == 3) {
                    CHECKS.put(f[1], f[2]);
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), () -> "the probe failed:\n" + String.join("\n", OUTPUT));
        assertTrue(OUTPUT.contains("DONE"), () -> String.join("\n", OUTPUT));
    }

    private static String output() {
        return String.join("\n", OUTPUT);
    }

    @Test
    void theConfigurationIsWindowsOne() {
        assertTrue(ALLOC.get("jnr-ffi-2-argument-call") > 0,
                () -> "a jnr-ffi call must allocate with the fast generators off, as on Windows:\n" + output());
    }

    @Test
    void everyIocpPrototypeAllocatesNothing() {
        for (String f : new String[] {"CreateIoCompletionPort", "GetQueuedCompletionStatusEx", "PostQueuedCompletionStatus",
            "SetFileCompletionNotificationModes", "CloseHandle", "NtCreateFile", "NtDeviceIoControlFile", "NtCancelIoFileEx",
            "RtlNtStatusToDosError", "WSAIoctl"}) {
            assertEquals("ok", CHECKS.get(f + "-result"), () -> f + ":\n" + output());
            assertEquals(0.0, ALLOC.get(f), () -> f + " allocated:\n" + output());
        }
        assertEquals("ok", CHECKS.get("ten-arguments"), CHECKS::toString);
    }

    /** The figure the reused buffer saves, per re-arm ({@code NtDeviceIoControlFile}), where it cannot be reused. */
    @Test
    void aFreshInvocationBufferPerTenArgumentCallWouldAllocate() {
        assertTrue(ALLOC.get("ten-arguments-fresh-buffer") > 0, WindowsCallPathAllocationTest::output);
    }

    @Test
    void theWinsockFacadeAllocatesNothingReadingWritingAndExchangingDatagrams() {
        assertEquals("ok", CHECKS.get("saved-error"), CHECKS::toString);
        assertEquals("ok", CHECKS.get("recvfrom-sender"), CHECKS::toString);
        for (String op : new String[] {"WinsockSockets.write+read-direct", "WinsockSockets.write+read-heap",
            "recv-would-block+lastError", "WinsockSockets.sendDatagram+receiveDatagram"}) {
            assertEquals(0.0, ALLOC.get(op), () -> op + " allocated:\n" + output());
        }
    }
}
