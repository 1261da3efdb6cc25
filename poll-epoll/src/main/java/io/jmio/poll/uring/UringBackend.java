package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Platform;
import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The io_uring readiness backend, found by {@link java.util.ServiceLoader}: {@code Poll.open("io_uring")}
 * or {@code -Djmio.backend=io_uring} choose it; {@code Poll.open()} keeps choosing epoll on Linux
 * (this backend's {@link #priority()} is lower).
 *
 * <p>It needs Linux 6.0 or later: multishot poll requests and poll updates (5.13),
 * {@code IOSQE_CQE_SKIP_SUCCESS} (5.17), {@code IORING_SETUP_SUBMIT_ALL} (5.18) and
 * {@code IORING_REGISTER_SYNC_CANCEL} (6.0). Availability is probed once, on the first call of
 * {@link #unavailabilityCause()}: a ring is created, its operations probed
 * ({@code IORING_REGISTER_PROBE}) and a synchronous cancellation tried. Where io_uring is off
 * ({@code /proc/sys/kernel/io_uring_disabled} 2, or 1 for a process outside {@code io_uring_group}),
 * forbidden ({@code EPERM}, e.g. by a container's seccomp profile), absent ({@code ENOSYS}) or too old,
 * the cause says which, and {@code Poll.open("io_uring")} fails with it.
 *
 * <p>Threading: thread-safe; the probe runs once.
 */
public final class UringBackend implements PollBackend {
    /** The name {@code Poll.open(String)} knows this backend by. */
    public static final String NAME = "io_uring";

    /** For {@link java.util.ServiceLoader}. */
    public UringBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supportsCurrentOs() {
        return Platform.current() == Platform.LINUX;
    }

    /** @return -10: below epoll's 0, so that {@code Poll.open()} picks epoll on Linux */
    @Override
    public int priority() {
        return -10;
    }

    @Override
    public Throwable unavailabilityCause() {
        if (!supportsCurrentOs()) {
            return new UnsupportedOperationException("io_uring exists on Linux only, not on " + System.getProperty("os.name"));
        }
        return Probe.CAUSE;
    }

    @Override
    public Selector openSelector() throws IOException {
        return new UringSelector();
    }

    /** The operations jmio submits, by opcode, with their names for the error. */
    static final int[] NEEDED_OPS = {UringNative.IORING_OP_POLL_ADD, UringNative.IORING_OP_POLL_REMOVE,
        UringNative.IORING_OP_TIMEOUT};
    static final String[] NEEDED_OP_NAMES = {"IORING_OP_POLL_ADD", "IORING_OP_POLL_REMOVE", "IORING_OP_TIMEOUT"};

    /** The probe, run when first asked. */
    private static final class Probe {
        static final Throwable CAUSE = probe();
    }

    private static Throwable probe() {
        Throwable load = UringNative.loadFailure();
        if (load != null) {
            return load;
        }
        String disabled = readDisabled();
        Ring ring;
        try {
            ring = Ring.open(2, 4);
        } catch (SyscallException e) {
            return new IOException(explainSetupFailure(e, disabled), e);
        } catch (IOException | RuntimeException e) {
            return e;
        }
        try {
            ByteBuffer probe = NativeMemory.allocate(ProbeDescriptor.SIZE);
            UringNative.probe(ring.fd, NativeMemory.address(probe));
            String missing = missingOp(probe);
            if (missing != null) {
                return new IOException("io_uring lacks " + missing + " (IORING_REGISTER_PROBE): jmio needs Linux 6.0 or later, this is "
                        + System.getProperty("os.version"));
            }
            try {
                UringNative.syncCancel(ring.fd, UserData.of(UserData.UPDATE));
            } catch (SyscallException e) {
                return new IOException("io_uring lacks IORING_REGISTER_SYNC_CANCEL (" + e.errnoName()
                        + "): jmio needs Linux 6.0 or later, this is " + System.getProperty("os.version"), e);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        } finally {
            try {
                ring.close();
            } catch (SyscallException ignored) {
                // the probe's ring; nothing was registered on it
            }
        }
    }

    /** @return the name of the first operation jmio needs that the probe does not mark supported, or null */
    static String missingOp(ByteBuffer probe) {
        int opsLen = probe.get(ProbeDescriptor.OPS_LEN) & 0xFF;
        int lastOp = probe.get(ProbeDescriptor.LAST_OP) & 0xFF;
        for (int k = 0; k < NEEDED_OPS.length; k++) {
            int op = NEEDED_OPS[k];
            boolean supported = op <= lastOp && op < opsLen
                    && (probe.getShort(ProbeDescriptor.HEADER_SIZE + op * ProbeDescriptor.OP_SIZE + ProbeDescriptor.OP_FLAGS)
                    & ProbeDescriptor.IO_URING_OP_SUPPORTED) != 0;
            if (!supported) {
                return NEEDED_OP_NAMES[k];
            }
        }
        return null;
    }

    /** @return the value of {@code /proc/sys/kernel/io_uring_disabled} (Linux 6.6+), or null if absent */
    private static String readDisabled() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String explainSetupFailure(SyscallException e, String disabled) {
        StringBuilder sb = new StringBuilder("io_uring_setup failed with ").append(e.errnoName());
        if ("2".equals(disabled)) {
            sb.append(": io_uring is disabled on this system (/proc/sys/kernel/io_uring_disabled = 2)");
        } else if ("1".equals(disabled) && e.errno() == Errno.EPERM) {
            sb.append(": io_uring is restricted to the group kernel.io_uring_group and CAP_SYS_ADMIN"
                    + " (/proc/sys/kernel/io_uring_disabled = 1)");
        } else if (e.errno() == Errno.EPERM) {
            sb.append(": forbidden, typically by a seccomp profile (containers often deny io_uring)");
        } else if (e.errno() == Errno.ENOSYS) {
            sb.append(": this kernel has no io_uring, or a seccomp profile hides it");
        } else {
            sb.append(": ").append(e.getMessage());
        }
        return sb.append("; use epoll").toString();
    }
}
