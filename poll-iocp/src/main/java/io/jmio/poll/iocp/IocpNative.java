package io.jmio.poll.iocp;

import static io.jmio.poll.iocp.ObjectAttributesDescriptor.AFD_DEVICE_NAME;

import io.jmio.poll.SyscallException;
import io.jmio.poll.posix.NativeMemory;

import com.kenai.jffi.MemoryIO;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The facade over kernel32, ntdll and ws2_32: the only class that calls {@link IocpLibrary}. Each
 * method is one Windows call (or a short fixed sequence, as opening an AFD handle); failures become
 * {@link SyscallException}s through {@link WindowsErrors}, the one place this backend maps errors:
 * an {@code NTSTATUS} with its {@code RtlNtStatusToDosError} translation, a Win32 error with the
 * {@code GetLastError()} value jnr-ffi saved right after the call ({@code WSAGetLastError()} reads the
 * same per-thread value).
 *
 * <p>Winsock must have been started ({@code WSAStartup}) by whoever created the sockets; the JDK's
 * networking does so.
 *
 * <p>Threading: thread-safe; calls that need scratch memory use a per-thread buffer.
 */
final class IocpNative implements IocpSystem {
    static final IocpNative INSTANCE = new IocpNative();

    static final long INVALID_HANDLE_VALUE = -1L;
    /** {@code SYNCHRONIZE} access right. */
    static final int SYNCHRONIZE = 0x00100000;
    /** {@code FILE_SHARE_READ | FILE_SHARE_WRITE}. */
    static final int FILE_SHARE_READ_WRITE = 0x1 | 0x2;
    /** {@code FILE_OPEN} create disposition. */
    static final int FILE_OPEN = 1;
    /** {@code FILE_SKIP_SET_EVENT_ON_HANDLE}: completions do not signal the AFD handle's own event. */
    static final byte FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;
    /** {@code IOCTL_AFD_POLL}: {@code FILE_DEVICE_NETWORK (0x12) << 12 | AFD_POLL (9) << 2 | METHOD_BUFFERED}. */
    static final int IOCTL_AFD_POLL = 0x00012024;
    /** {@code SIO_BASE_HANDLE}: the base service provider's socket. */
    static final int SIO_BASE_HANDLE = 0x48000022;
    /** {@code SIO_BSP_HANDLE_POLL}: the socket to poll, for providers that refuse {@code SIO_BASE_HANDLE}. */
    static final int SIO_BSP_HANDLE_POLL = 0x4800001D;
    /** {@code SIO_BSP_HANDLE_SELECT} and {@code SIO_BSP_HANDLE}: further fallbacks, as mio tries them. */
    static final int SIO_BSP_HANDLE_SELECT = 0x4800001C;
    static final int SIO_BSP_HANDLE = 0x4800001B;
    private static final int[] BSP_QUERIES = {SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE_POLL, SIO_BSP_HANDLE};
    /** {@code WSAENOTSOCK}: where wepoll's walk down the provider chain stops. */
    static final int WSAENOTSOCK = 10038;
    /** How many providers deep the base-socket walk goes before giving up (wepoll loops unbounded). */
    static final int MAX_PROVIDER_DEPTH = 16;
    static final int SOCKET_ERROR = -1;

    /**
     * The request {@code NtCreateFile} reads, laid out in one buffer:
     * {@code OBJECT_ATTRIBUTES} at 0, its {@code UNICODE_STRING} at 48, the {@code IO_STATUS_BLOCK} at
     * 64, the returned {@code HANDLE} at 80 and the UTF-16LE device name at 88.
     */
    static final int OPEN_OA = 0;
    static final int OPEN_US = ObjectAttributesDescriptor.OBJECT_ATTRIBUTES_SIZE;
    static final int OPEN_IOSB = OPEN_US + ObjectAttributesDescriptor.UNICODE_STRING_SIZE;
    static final int OPEN_HANDLE = OPEN_IOSB + IoStatusBlockDescriptor.SIZE;
    static final int OPEN_NAME = OPEN_HANDLE + 8;

    private static final MemoryIO MEMORY = MemoryIO.getInstance();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread memory for out-parameters: a status block, a handle and a byte count. */
    private static final class Scratch {
        final ByteBuffer buffer = NativeMemory.allocate(32);
        final long address = NativeMemory.address(buffer);
    }

    private IocpNative() {
    }

    static Throwable unavailabilityCause() {
        return IocpLibrary.LOAD_FAILURE;
    }

    private static int lastError() {
        return NativeFunction.lastError();
    }

    private static IocpLibrary lib() {
        return IocpLibrary.BOUND;
    }

    private static SyscallException ntFailure(String call, int status, String context) {
        return WindowsErrors.ntStatus(call, status, (int) lib().rtlNtStatusToDosError.call1(status), context);
    }

    @Override
    public long createPort(int concurrency) throws IOException {
        long port = lib().createIoCompletionPort.call4(INVALID_HANDLE_VALUE, 0, 0, concurrency);
        if (port == 0) {
            throw WindowsErrors.win32("CreateIoCompletionPort", lastError(), null);
        }
        return port;
    }

    @Override
    public int getQueuedCompletionStatusEx(long port, long entries, int count, long removedAddress, int timeoutMillis)
            throws IOException {
        if ((int) lib().getQueuedCompletionStatusEx.call6(port, entries, count, removedAddress, timeoutMillis, 0) != 0) {
            return MEMORY.getInt(removedAddress);
        }
        int error = lastError();
        if (error == WindowsErrors.WAIT_TIMEOUT) {
            return 0;
        }
        throw WindowsErrors.win32("GetQueuedCompletionStatusEx", error, "port " + port);
    }

    @Override
    public void postQueuedCompletionStatus(long port, int bytes, long key, long overlapped) throws IOException {
        if ((int) lib().postQueuedCompletionStatus.call4(port, bytes, key, overlapped) == 0) {
            throw WindowsErrors.win32("PostQueuedCompletionStatus", lastError(), "port " + port);
        }
    }

    /**
     * Lays out the {@code NtCreateFile} request for {@value ObjectAttributesDescriptor#AFD_DEVICE_NAME}
     * (see {@link #OPEN_OA} and the offsets after it).
     *
     * @return the buffer; its pointer fields hold addresses within itself
     */
    static ByteBuffer openRequest() {
        byte[] name = AFD_DEVICE_NAME.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = NativeMemory.allocate(OPEN_NAME + name.length + 2);
        long base = NativeMemory.address(b);
        b.put(OPEN_NAME, name);
        b.putShort(OPEN_US + ObjectAttributesDescriptor.US_LENGTH_OFFSET, (short) name.length);
        b.putShort(OPEN_US + ObjectAttributesDescriptor.US_MAXIMUM_LENGTH_OFFSET, (short) name.length);
        b.putLong(OPEN_US + ObjectAttributesDescriptor.US_BUFFER_OFFSET, base + OPEN_NAME);
        b.putInt(OPEN_OA + ObjectAttributesDescriptor.OA_LENGTH_OFFSET, ObjectAttributesDescriptor.OBJECT_ATTRIBUTES_SIZE);
        b.putLong(OPEN_OA + ObjectAttributesDescriptor.OA_ROOT_DIRECTORY_OFFSET, 0);
        b.putLong(OPEN_OA + ObjectAttributesDescriptor.OA_OBJECT_NAME_OFFSET, base + OPEN_US);
        b.putInt(OPEN_OA + ObjectAttributesDescriptor.OA_ATTRIBUTES_OFFSET, 0);
        b.putLong(OPEN_OA + ObjectAttributesDescriptor.OA_SECURITY_DESCRIPTOR_OFFSET, 0);
        b.putLong(OPEN_OA + ObjectAttributesDescriptor.OA_SECURITY_QOS_OFFSET, 0);
        return b;
    }

    @Override
    public long openAfd(long port, long key) throws IOException {
        ByteBuffer request = openRequest();
        long base = NativeMemory.address(request);
        int status;
        try {
            status = lib().ntCreateFile.callInt(base + OPEN_HANDLE, SYNCHRONIZE, base + OPEN_OA, base + OPEN_IOSB,
                    0, 0, FILE_SHARE_READ_WRITE, FILE_OPEN, 0, 0, 0);
        } finally {
            Reference.reachabilityFence(request); // read and written by the call
        }
        if (!WindowsErrors.isSuccess(status)) {
            throw ntFailure("NtCreateFile(" + AFD_DEVICE_NAME + ")", status, null);
        }
        long afd = request.getLong(OPEN_HANDLE);
        try {
            if (lib().createIoCompletionPort.call4(afd, port, key, 0) == 0) {
                throw WindowsErrors.win32("CreateIoCompletionPort(associate AFD handle)", lastError(), "port " + port);
            }
            if ((int) lib().setFileCompletionNotificationModes.call2(afd, FILE_SKIP_SET_EVENT_ON_HANDLE) == 0) {
                throw WindowsErrors.win32("SetFileCompletionNotificationModes", lastError(), "AFD handle " + afd);
            }
        } catch (IOException e) {
            if ((int) lib().closeHandle.call1(afd) == 0) {
                e.addSuppressed(WindowsErrors.win32("CloseHandle", lastError(), "AFD handle " + afd));
            }
            throw e;
        }
        return afd;
    }

    @Override
    public int afdPoll(long afd, long apcContext, long ioStatusBlock, long pollInfo) throws IOException {
        int status = lib().ntDeviceIoControlFile.callInt(afd, 0, 0, apcContext, ioStatusBlock, IOCTL_AFD_POLL,
                pollInfo, AfdPollInfoDescriptor.SIZE, pollInfo, AfdPollInfoDescriptor.SIZE, 0);
        if (status == WindowsErrors.STATUS_PENDING || status == WindowsErrors.STATUS_SUCCESS) {
            return status;
        }
        throw ntFailure("NtDeviceIoControlFile(IOCTL_AFD_POLL)", status, "AFD handle " + afd);
    }

    @Override
    public boolean afdCancel(long afd, long ioStatusBlock) throws IOException {
        int status = (int) lib().ntCancelIoFileEx.call3(afd, ioStatusBlock, SCRATCH.get().address);
        if (status == WindowsErrors.STATUS_NOT_FOUND) {
            return false;
        }
        if (!WindowsErrors.isSuccess(status)) {
            throw ntFailure("NtCancelIoFileEx", status, "AFD handle " + afd);
        }
        return true;
    }

    /** One {@code WSAIoctl} handle query, as {@link #baseSocket(long, HandleQuery)} walks them. */
    interface HandleQuery {
        /** @return the handle {@code WSAIoctl(socket, code)} returns, or {@link #INVALID_HANDLE_VALUE} if it fails */
        long query(long socket, int code);

        /** @return the error of the last failed query */
        int lastError();
    }

    private static final HandleQuery WSA_IOCTL = new HandleQuery() {
        @Override
        public long query(long socket, int code) {
            Scratch scratch = SCRATCH.get();
            int rc = lib().wsaIoctl.callInt(socket, code, 0, 0, scratch.address, 8, scratch.address + 8, 0, 0, 0, 0);
            return rc == SOCKET_ERROR ? INVALID_HANDLE_VALUE : scratch.buffer.getLong(0);
        }

        @Override
        public int lastError() {
            return IocpNative.lastError();
        }
    };

    @Override
    public long baseSocket(long socket) throws IOException {
        return baseSocket(socket, WSA_IOCTL);
    }

    /**
     * The socket AFD must poll: {@code SIO_BASE_HANDLE}, and where a layered provider refuses it, the
     * provider-specific queries mio tries ({@code SIO_BSP_HANDLE_SELECT}, {@code _POLL}, {@code SIO_BSP_HANDLE}),
     * each accepted only if it names another socket, and the walk repeated on that socket, as wepoll
     * does, until {@code SIO_BASE_HANDLE} answers or {@code WSAENOTSOCK} ends it (at most
     * {@value #MAX_PROVIDER_DEPTH} providers deep).
     */
    static long baseSocket(long socket, HandleQuery q) throws IOException {
        long current = socket;
        int firstError = 0;
        for (int depth = 0; depth < MAX_PROVIDER_DEPTH; depth++) {
            long base = q.query(current, SIO_BASE_HANDLE);
            if (base != INVALID_HANDLE_VALUE) {
                return base;
            }
            int error = q.lastError();
            firstError = firstError == 0 ? error : firstError;
            if (error == WSAENOTSOCK && depth > 0) {
                return current; // the chain ended: the last socket a provider named is the base
            }
            long next = INVALID_HANDLE_VALUE;
            for (int code : BSP_QUERIES) {
                long h = q.query(current, code);
                if (h != INVALID_HANDLE_VALUE && h != current && h != 0) {
                    next = h;
                    break;
                }
            }
            if (next == INVALID_HANDLE_VALUE) {
                break;
            }
            current = next;
        }
        throw WindowsErrors.win32("WSAIoctl(SIO_BASE_HANDLE)", firstError, "socket " + socket);
    }

    @Override
    public void closeHandle(long handle) throws IOException {
        if ((int) lib().closeHandle.call1(handle) == 0) {
            throw WindowsErrors.win32("CloseHandle", lastError(), "handle " + handle);
        }
    }

    @Override
    public boolean handlesAreFileDescriptors() {
        return false;
    }
}
