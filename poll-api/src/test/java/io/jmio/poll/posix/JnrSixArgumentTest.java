package io.jmio.poll.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jmio.poll.contract.JnrBindings;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Why jmio's bindings never have six primitive arguments: {@code mmap} (six arguments, the sixth an
 * offset that must be page-aligned) fails when bound with primitives only, because jnr-ffi's (2.2.17, and still 2.3.0)
 * x86_64 stub passes its return address as the sixth argument; bound with a {@link Pointer} last, it
 * works. Then the rule is checked on poll-api's own bindings.
 */
class JnrSixArgumentTest {
    /** mmap with an object as its sixth argument: jnr-ffi's generic invoker. */
    public interface SafeMmap {
        @intptr_t long mmap(@intptr_t long addr, @size_t long length, int prot, int flags, int fd, Pointer offset);

        int munmap(@intptr_t long addr, @size_t long length);
    }

    /** mmap with six primitives: the shape the guard forbids. */
    public interface UnsafeMmap {
        @intptr_t long mmap(@intptr_t long addr, @size_t long length, int prot, int flags, int fd, @size_t long offset);

        int munmap(@intptr_t long addr, @size_t long length);
    }

    private static final int PROT_READ = 1;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;

    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64")
    void aPointerAsSixthArgumentReachesTheKernelIntact() {
        SafeMmap lib = LibraryLoader.create(SafeMmap.class).load("libc.so.6");
        for (int i = 0; i < 1000; i++) {
            long addr = lib.mmap(0, 4096, PROT_READ, MAP_PRIVATE_ANONYMOUS, -1, null);
            assertNotEquals(-1L, addr, "mmap with a zero offset failed: the sixth argument arrived altered");
            assertEquals(0, lib.munmap(addr, 4096));
        }
    }

    /**
     * The defect on the pinned jnr-ffi (2.3.0, as on 2.2.17): a canary, so that an upgrade that fixes it
     * is noticed (the guard below stays either way: older jnr-ffi versions on a user's class path break).
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64")
    void sixPrimitiveArgumentsStillArriveAlteredOnThePinnedJnrFfi() {
        UnsafeMmap lib = LibraryLoader.create(UnsafeMmap.class).load("libc.so.6");
        int failed = 0;
        for (int i = 0; i < 100; i++) {
            long addr = lib.mmap(0, 4096, PROT_READ, MAP_PRIVATE_ANONYMOUS, -1, 0);
            if (addr == -1) {
                failed++;
            } else {
                lib.munmap(addr, 4096);
            }
        }
        assertEquals(100, failed, "jnr-ffi's all-primitive stub now passes the sixth argument intact in "
                + failed + "/100 calls: the defect may be fixed; re-check JnrBindings' guard and this note");
    }

    @Test
    void pollApiBindingsHaveNoSixPrimitiveArguments() {
        JnrBindings.assertNoSixPrimitiveArguments(LibC.Lib.class);
        JnrBindings.assertNoSixPrimitiveArguments(LibC.Accept4Lib.class);
    }
}
