package io.jmio.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The profile breakdown charges each sample to its leaf frame's category and skips other threads. */
class ProfileBreakdownTest {

    @Test
    void samplesShouldBeChargedByLeafFrame(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.collapsed");
        String loop = "[echo-loop tid=7];java/lang/Thread.run;io/jmio/bench/echo/JmioEchoServer.runLoop";
        Files.writeString(f, loop + ";io/jmio/poll/posix/LibC$Lib$jnr$ffi$1.send;[unknown];__GI___send 50\n"
                + loop + ";io/jmio/poll/posix/LibC$Lib$jnr$ffi$1.recv;[unknown];recv 20\n"
                + loop + ";io/jmio/poll/posix/LibC$Lib$jnr$ffi$1.recv;[unknown];jffi_save_errno;__errno_location 5\n"
                + loop + ";io/jmio/poll/posix/LibC$Lib$jnr$ffi$1.recv;[unknown] 5\n"
                + loop + ";io/jmio/poll/posix/SocketIo.read 10\n"
                + loop + " 4\n"
                + loop + ";java/nio/Buffer.limit 2\n"
                + loop + ";SafepointSynchronize::block 4\n"
                + "[C2 CompilerThread0 tid=9];CompileBroker::compiler_thread_loop 100\n");
        ProfileBreakdown b = ProfileBreakdown.read(f, "echo-loop");
        assertEquals(100, b.total, "the compiler thread's 100 samples are not the loop's");
        assertEquals(70.0, b.percent(ProfileBreakdown.CATEGORIES[0]), 1e-9, "send and recv: kernel");
        assertEquals(10.0, b.percent(ProfileBreakdown.CATEGORIES[1]), 1e-9, "errno and the native stub: FFI");
        assertEquals(10.0, b.percent(ProfileBreakdown.CATEGORIES[2]), 1e-9, "jmio");
        assertEquals(4.0, b.percent(ProfileBreakdown.CATEGORIES[3]), 1e-9, "the server loop");
        assertEquals(2.0, b.percent(ProfileBreakdown.CATEGORIES[5]), 1e-9, "JDK");
        assertEquals(4.0, b.percent(ProfileBreakdown.CATEGORIES[6]), 1e-9, "JVM");
    }

    @Test
    void aCProgramsOwnFunctionsAreTheServerLoop(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.collapsed");
        Files.writeString(f, "main;on_edge;flush;__GI_write 30\nmain;on_edge;fill 10\n[unknown];__GI_read 10\n");
        ProfileBreakdown b = ProfileBreakdown.read(f, "echo-loop");
        assertEquals(80.0, b.percent(ProfileBreakdown.CATEGORIES[0]), 1e-9);
        assertEquals(20.0, b.percent(ProfileBreakdown.CATEGORIES[3]), 1e-9);
    }
}
