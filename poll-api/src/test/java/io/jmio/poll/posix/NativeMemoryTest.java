package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

class NativeMemoryTest {
    @Test
    void shouldReadAddressesInJavaWhenTheJdkAccessorIsExported() {
        // surefire runs with --add-exports java.base/sun.nio.ch=ALL-UNNAMED (root pom): the fast path is the one tested
        assertEquals("sun.nio.ch.DirectBuffer.address()", NativeMemory.addressLookup());
    }

    @Test
    void shouldAgreeWithJniForSlicesDuplicatesAndViews() {
        ByteBuffer base = NativeMemory.allocate(4096);
        long a = NativeMemory.addressByJni(base);
        assertEquals(a, NativeMemory.address(base));
        base.position(100).limit(900);
        assertEquals(a, NativeMemory.address(base), "the address of the first byte, not of the position");
        ByteBuffer[] views = {base.slice(), base.slice(7, 33), base.duplicate(), base.asReadOnlyBuffer(),
                base.slice().slice(1, 2), base.duplicate().position(5).slice()};
        long[] offsets = {100, 7, 0, 0, 101, 5};
        for (int i = 0; i < views.length; i++) {
            assertEquals(NativeMemory.addressByJni(views[i]), NativeMemory.address(views[i]), "view " + i);
            assertEquals(a + offsets[i], NativeMemory.address(views[i]), "view " + i);
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows refuses to delete the @TempDir file while the "
            + "buffer maps it, and a MappedByteBuffer cannot be unmapped portably")
    void shouldAgreeWithJniForAMappedFile(@TempDir Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("m"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192);
            assertEquals(NativeMemory.addressByJni(m), NativeMemory.address(m));
            ByteBuffer s = m.slice(4096, 16);
            assertEquals(NativeMemory.addressByJni(s), NativeMemory.address(s));
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "moves the bytes through a POSIX pipe; libc is not bound on Windows")
    void shouldMoveTheRightBytesThroughASlicesAddress() throws IOException {
        ByteBuffer base = NativeMemory.allocate(64);
        for (int i = 0; i < 64; i++) {
            base.put(i, (byte) i);
        }
        ByteBuffer slice = base.slice(40, 8);
        ByteBuffer in = NativeMemory.allocate(8);
        int[] fds = Posix.pipe();
        try {
            assertEquals(8, Posix.write(fds[1], NativeMemory.address(slice), 8));
            assertEquals(8, Posix.read(fds[0], NativeMemory.address(in), 8));
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals((byte) (40 + i), in.get(i));
        }
    }

    @Test
    void shouldFallBackToJniWithoutTheExport() throws Exception {
        assertEquals("JNI GetDirectBufferAddress ok", probe());
    }

    @Test
    void shouldReadTheFieldWhenJavaNioIsOpened() throws Exception {
        assertEquals("java.nio.Buffer.address ok", probe("--add-opens", "java.base/java.nio=ALL-UNNAMED"));
    }

    /** Runs {@link Probe} in a fresh JVM with {@code flags} (and none of this JVM's module flags). */
    private static String probe(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                cmd.add(arg);  // what newer JDKs need for jnr-ffi, nothing that opens the JDK
            }
        }
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\\R");
        return lines[lines.length - 1];
    }

    /** Prints the chosen lookup and "ok" if it agrees with JNI on a buffer and its views. */
    static final class Probe {
        public static void main(String[] args) {
            ByteBuffer base = NativeMemory.allocate(256);
            boolean ok = true;
            for (ByteBuffer b : new ByteBuffer[] {base, base.slice(17, 100), base.duplicate(), base.asReadOnlyBuffer()}) {
                ok &= NativeMemory.address(b) == NativeMemory.addressByJni(b);
            }
            ok &= NativeMemory.address(base.slice(17, 100)) == NativeMemory.address(base) + 17;
            System.out.println(NativeMemory.addressLookup() + (ok ? " ok" : " WRONG"));
        }
    }

    @Test
    void shouldRejectAHeapBuffer() {
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.address(ByteBuffer.allocate(8)));
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.addressByJni(ByteBuffer.allocate(8)));
    }
}
