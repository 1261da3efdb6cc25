package io.jmio.poll.uring;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.Errno;
import io.jmio.poll.posix.NativeMemory;
import io.jmio.poll.posix.Posix;
import jnr.ffi.Pointer;

import java.nio.ByteBuffer;

/**
 * The facade over io_uring's system calls: the only class that calls {@link UringLibrary}. Each
 * method is one system call; failures become {@link SyscallException}s in {@link #fail}, the one place
 * this backend maps errno (also the negative {@code res} of a completion).
 *
 * <p>System call numbers: {@code io_uring_setup} 425, {@code io_uring_enter} 426,
 * {@code io_uring_register} 427 on x86_64 and on the architectures of the generic table (aarch64,
 * riscv64), which share numbers for calls added after Linux 5.1; {@code fstat} is 5 on x86_64 and 80
 * on the generic table.
 *
 * <p>Threading: thread-safe; {@link #fstat} and {@link #syncCancel} use per-thread scratch memory.
 */
final class UringNative {
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;
    static final long SYS_FSTAT = StatDescriptor.X86_64 ? 5 : 80;

    // io_uring_setup flags and features
    static final int IORING_SETUP_CQSIZE = 1 << 3;
    static final int IORING_SETUP_CLAMP = 1 << 4;
    static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final int IORING_FEAT_NODROP = 1 << 1;

    // io_uring_enter flags
    static final int IORING_ENTER_GETEVENTS = 1;

    // io_uring_register opcodes
    static final int IORING_REGISTER_PROBE = 8;
    static final int IORING_REGISTER_SYNC_CANCEL = 24;
    static final int IORING_REGISTER_PBUF_RING = BufRingDescriptor.IORING_REGISTER_PBUF_RING;
    static final int IORING_UNREGISTER_PBUF_RING = BufRingDescriptor.IORING_UNREGISTER_PBUF_RING;

    // opcodes
    static final int IORING_OP_NOP = 0;
    static final int IORING_OP_POLL_ADD = 6;
    static final int IORING_OP_POLL_REMOVE = 7;
    static final int IORING_OP_SENDMSG = 9;
    static final int IORING_OP_RECVMSG = 10;
    static final int IORING_OP_TIMEOUT = 11;
    static final int IORING_OP_TIMEOUT_REMOVE = 12;
    static final int IORING_OP_ACCEPT = 13;
    static final int IORING_OP_ASYNC_CANCEL = 14;
    static final int IORING_OP_CONNECT = 16;
    static final int IORING_OP_SEND = 26;
    static final int IORING_OP_RECV = 27;

    // accept (sqe ioprio) and cancel (sqe op_flags) flags
    static final int IORING_ACCEPT_MULTISHOT = 1;
    static final int IORING_ASYNC_CANCEL_ALL = 1;
    static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    /** recv (sqe ioprio): multishot, with {@code IOSQE_BUFFER_SELECT} (Linux 6.0). */
    static final int IORING_RECV_MULTISHOT = 1 << 1;

    /** timeout remove (sqe timeout_flags): change the timeout's expiry instead of removing it. */
    static final int IORING_TIMEOUT_UPDATE = 1 << 1;

    // sqe flags
    static final int IOSQE_BUFFER_SELECT = 1 << 5;
    static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // poll flags (sqe len of POLL_ADD and POLL_REMOVE)
    static final int IORING_POLL_ADD_MULTI = 1;
    static final int IORING_POLL_UPDATE_EVENTS = 1 << 1;
    static final int IORING_POLL_UPDATE_USER_DATA = 1 << 2;

    // cqe flags
    static final int IORING_CQE_F_BUFFER = 1;
    static final int IORING_CQE_F_MORE = 1 << 1;
    static final int IORING_CQE_BUFFER_SHIFT = 16;

    // mmap offsets
    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_SQES = 0x10000000L;

    // poll bits: the kernel's EPOLL* values, which io_uring reports in res
    static final int POLLIN = 0x001;
    static final int POLLPRI = 0x002;
    static final int POLLOUT = 0x004;
    static final int POLLERR = 0x008;
    static final int POLLHUP = 0x010;
    static final int POLLRDHUP = 0x2000;

    /** Linux errno values that arrive as a completion's negative {@code res}. */
    static final int ETIME = 62;
    static final int ECANCELED = 125;
    static final int EALREADY = 114;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20; // x86_64 and the generic table (aarch64, riscv64) alike
    private static final int MAP_POPULATE = 0x8000;
    private static final long MAP_FAILED = -1L;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread native memory for the calls that take a struct. */
    private static final class Scratch {
        final ByteBuffer stat = NativeMemory.allocate(StatDescriptor.SIZE);
        final long statAddress = NativeMemory.address(stat);
        final ByteBuffer cancel = NativeMemory.allocate(SyncCancelDescriptor.SIZE);
        final long cancelAddress = NativeMemory.address(cancel);
        final ByteBuffer bufReg = NativeMemory.allocate(BufRingDescriptor.REG_SIZE);
        final long bufRegAddress = NativeMemory.address(bufReg);
    }

    private UringNative() {
    }

    static Throwable loadFailure() {
        return UringLibrary.LOAD_FAILURE != null ? UringLibrary.LOAD_FAILURE : Posix.unavailabilityCause();
    }

    /**
     * {@code io_uring_setup}.
     *
     * @return the ring descriptor; the kernel filled {@code params}
     */
    static int setup(int entries, long paramsAddress) throws SyscallException {
        long fd = UringLibrary.LIB.syscall(SYS_IO_URING_SETUP, entries, paramsAddress);
        if (fd < 0) {
            throw fail("io_uring_setup", Posix.lastErrno(), null);
        }
        return (int) fd;
    }

    /**
     * {@code io_uring_enter} without a signal mask or extended argument.
     *
     * @return the number of submissions the kernel consumed; 0 if a signal interrupted a wait
     *         that submitted nothing
     */
    static int enter(int ringFd, int toSubmit, int minComplete, int flags) throws SyscallException {
        long n = UringLibrary.LIB.syscall(SYS_IO_URING_ENTER, ringFd, toSubmit, minComplete, flags, null);
        if (n < 0) {
            int errno = Posix.lastErrno();
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw fail("io_uring_enter", errno, "ring fd " + ringFd);
        }
        return (int) n;
    }

    /** {@code io_uring_register(IORING_REGISTER_PROBE)} into {@code probeAddress}. */
    static void probe(int ringFd, long probeAddress) throws SyscallException {
        long r = UringLibrary.LIB.syscall(SYS_IO_URING_REGISTER, ringFd, IORING_REGISTER_PROBE, probeAddress,
                ProbeDescriptor.OPS);
        if (r < 0) {
            throw fail("io_uring_register(PROBE)", Posix.lastErrno(), "ring fd " + ringFd);
        }
    }

    /**
     * {@code io_uring_register(IORING_REGISTER_SYNC_CANCEL)} of the request with this user_data: when it
     * returns the request is cancelled (its completion, {@code -ECANCELED}, follows) or was already
     * complete.
     *
     * @return true if a request was cancelled, false if none was found ({@code ENOENT})
     */
    static boolean syncCancel(int ringFd, long userData) throws SyscallException {
        Scratch s = SCRATCH.get();
        ByteBuffer reg = s.cancel;
        for (int i = 0; i < SyncCancelDescriptor.SIZE; i += 8) {
            reg.putLong(i, 0L);
        }
        reg.putLong(SyncCancelDescriptor.ADDR, userData);
        reg.putInt(SyncCancelDescriptor.FD, -1);
        reg.putLong(SyncCancelDescriptor.TIMEOUT_SEC, -1L);
        reg.putLong(SyncCancelDescriptor.TIMEOUT_NSEC, -1L);
        long r = UringLibrary.LIB.syscall(SYS_IO_URING_REGISTER, ringFd, IORING_REGISTER_SYNC_CANCEL, s.cancelAddress, 1);
        if (r < 0) {
            int errno = Posix.lastErrno();
            if (errno == Errno.ENOENT) {
                return false;
            }
            throw fail("io_uring_register(SYNC_CANCEL)", errno, "ring fd " + ringFd);
        }
        return true;
    }

    /**
     * {@code io_uring_register(IORING_REGISTER_PBUF_RING)}: the {@code entries} ring entries at
     * {@code ringAddress} (page-aligned) become provided-buffer group {@code group}.
     */
    static void registerBufRing(int ringFd, long ringAddress, int entries, int group) throws SyscallException {
        bufRing(ringFd, IORING_REGISTER_PBUF_RING, ringAddress, entries, group, "io_uring_register(PBUF_RING)");
    }

    /** {@code io_uring_register(IORING_UNREGISTER_PBUF_RING)} of provided-buffer group {@code group}. */
    static void unregisterBufRing(int ringFd, int group) throws SyscallException {
        bufRing(ringFd, IORING_UNREGISTER_PBUF_RING, 0, 0, group, "io_uring_register(UNREGISTER_PBUF_RING)");
    }

    private static void bufRing(int ringFd, int opcode, long ringAddress, int entries, int group, String call)
            throws SyscallException {
        Scratch s = SCRATCH.get();
        ByteBuffer reg = s.bufReg;
        for (int i = 0; i < BufRingDescriptor.REG_SIZE; i += 8) {
            reg.putLong(i, 0L);
        }
        reg.putLong(BufRingDescriptor.REG_RING_ADDR, ringAddress);
        reg.putInt(BufRingDescriptor.REG_RING_ENTRIES, entries);
        reg.putShort(BufRingDescriptor.REG_BGID, (short) group);
        long r = UringLibrary.LIB.syscall(SYS_IO_URING_REGISTER, ringFd, opcode, s.bufRegAddress, 1);
        if (r < 0) {
            throw fail(call, Posix.lastErrno(), "ring fd " + ringFd + ", buffer group " + group);
        }
    }

    /** Maps {@code length} bytes of zeroed private memory, page-aligned (for a provided-buffer ring). */
    static long mmapAnonymous(long length) throws SyscallException {
        long addr = UringLibrary.LIB.mmap(0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, null);
        if (addr == MAP_FAILED) {
            throw fail("mmap", Posix.lastErrno(), "anonymous, " + length + " bytes");
        }
        return addr;
    }

    /** Maps {@code length} bytes of the ring at {@code offset}, shared with the kernel. */
    static long mmap(int ringFd, long length, long offset) throws SyscallException {
        Pointer off = offset == 0 ? null : Pointer.wrap(UringLibrary.RUNTIME, offset);
        long addr = UringLibrary.LIB.mmap(0, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ringFd, off);
        if (addr == MAP_FAILED) {
            throw fail("mmap", Posix.lastErrno(), "ring fd " + ringFd + ", offset 0x" + Long.toHexString(offset));
        }
        return addr;
    }

    static void munmap(long address, long length) throws SyscallException {
        if (UringLibrary.LIB.munmap(address, length) < 0) {
            throw fail("munmap", Posix.lastErrno(), null);
        }
    }

    static int eventfd() throws SyscallException {
        int fd = UringLibrary.LIB.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw fail("eventfd", Posix.lastErrno(), null);
        }
        return fd;
    }

    /**
     * {@code fstat}, reduced to what identifies the open file.
     *
     * @param identity receives {@code st_dev} at 0 and {@code st_ino} at 1
     * @return {@code st_mode}, or {@code -errno} if the call failed (EBADF for a closed descriptor)
     */
    static int fstat(int fd, long[] identity) {
        Scratch s = SCRATCH.get();
        if (UringLibrary.LIB.syscall(SYS_FSTAT, fd, s.statAddress) < 0) {
            return -Posix.lastErrno();
        }
        identity[0] = s.stat.getLong(StatDescriptor.DEV);
        identity[1] = s.stat.getLong(StatDescriptor.INO);
        return s.stat.getInt(StatDescriptor.MODE);
    }

    /**
     * The one place this backend turns an errno into an exception, with what it means for a
     * registration.
     */
    static SyscallException fail(String syscall, int errno, String context) {
        return Posix.exception(syscall, errno, context);
    }

    /**
     * @param errno a positive Linux errno, e.g. the negated {@code res} of a completion
     * @return its name ({@code ECONNRESET}, {@code ECANCELED}, ...), the one table of this backend
     */
    static String errnoName(int errno) {
        return errno == ETIME ? "ETIME" : Errno.current().name(errno); // ETIME: only io_uring's timeouts report it
    }

    /** The exception of a registry call on {@code fd}, worded as epoll's. */
    static SyscallException registrationFailure(String call, int errno, int fd, String why) {
        String context;
        if (why != null) {
            context = "fd " + fd + " " + why;
        } else if (errno == Errno.EEXIST) {
            context = "fd " + fd + " is already registered with this Poll";
        } else if (errno == Errno.ENOENT) {
            context = "fd " + fd + " is not registered with this Poll";
        } else if (errno == Errno.EBADF) {
            context = "fd " + fd + " is closed or not a valid descriptor";
        } else if (errno == Errno.EPERM) {
            context = "fd " + fd + " does not support polling (regular files and directories are always ready)";
        } else {
            context = "fd " + fd;
        }
        return Posix.exception(call, errno, context);
    }
}
