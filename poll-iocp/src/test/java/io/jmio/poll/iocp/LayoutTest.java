package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.posix.NativeMemory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;

/**
 * Pins each descriptor to the size and offsets of its Windows struct. The expected layout is computed
 * independently by jnr-ffi's {@link Struct} from the C field list with the C alignment rules, using
 * fixed-width types (pointers 8 bytes, {@code ULONG}/{@code DWORD}/{@code NTSTATUS} 4, {@code USHORT}
 * 2, {@code LARGE_INTEGER} 8), which on a 64-bit host align as they do on 64-bit Windows.
 */
class LayoutTest {
    private static final Runtime RUNTIME = Runtime.getSystemRuntime();

    static final class Overlapped extends Struct {
        final Pointer internal = new Pointer();
        final Pointer internalHigh = new Pointer();
        final Unsigned32 offset = new Unsigned32();
        final Unsigned32 offsetHigh = new Unsigned32();
        final Pointer event = new Pointer();

        Overlapped() {
            super(RUNTIME);
        }
    }

    static final class OverlappedEntry extends Struct {
        final Pointer completionKey = new Pointer();
        final Pointer overlapped = new Pointer();
        final Pointer internal = new Pointer();
        final Unsigned32 bytesTransferred = new Unsigned32();

        OverlappedEntry() {
            super(RUNTIME);
        }
    }

    static final class IoStatusBlock extends Struct {
        final Pointer status = new Pointer(); // union { NTSTATUS Status; PVOID Pointer; }
        final Pointer information = new Pointer();

        IoStatusBlock() {
            super(RUNTIME);
        }
    }

    static final class AfdPollInfo extends Struct {
        final Signed64 timeout = new Signed64();
        final Unsigned32 numberOfHandles = new Unsigned32();
        final Unsigned32 exclusive = new Unsigned32();
        final Pointer handle = new Pointer();
        final Unsigned32 events = new Unsigned32();
        final Signed32 status = new Signed32();

        AfdPollInfo() {
            super(RUNTIME);
        }
    }

    static final class AfdPollHandleInfo extends Struct {
        final Pointer handle = new Pointer();
        final Unsigned32 events = new Unsigned32();
        final Signed32 status = new Signed32();

        AfdPollHandleInfo() {
            super(RUNTIME);
        }
    }

    static final class UnicodeString extends Struct {
        final Unsigned16 length = new Unsigned16();
        final Unsigned16 maximumLength = new Unsigned16();
        final Pointer buffer = new Pointer();

        UnicodeString() {
            super(RUNTIME);
        }
    }

    static final class ObjectAttributes extends Struct {
        final Unsigned32 length = new Unsigned32();
        final Pointer rootDirectory = new Pointer();
        final Pointer objectName = new Pointer();
        final Unsigned32 attributes = new Unsigned32();
        final Pointer securityDescriptor = new Pointer();
        final Pointer securityQos = new Pointer();

        ObjectAttributes() {
            super(RUNTIME);
        }
    }

    /**
     * {@code sizeof} as C computes it: jnr-ffi's size ends at the last field, C pads the struct to a
     * multiple of its strictest member alignment (so that arrays of it stay aligned).
     */
    static int cSize(Struct s) {
        int align = Struct.alignment(s);
        return (Struct.size(s) + align - 1) / align * align;
    }

    @Test
    void hostIs64Bit() {
        assertEquals(8, RUNTIME.addressSize(), "the layouts below are computed for 64-bit pointers");
    }

    @Test
    void overlappedIs32BytesOnX64() {
        Overlapped s = new Overlapped();
        assertEquals(32, cSize(s));
        assertEquals(OverlappedDescriptor.SIZE, cSize(s));
        assertEquals(OverlappedDescriptor.INTERNAL_OFFSET, s.internal.offset());
        assertEquals(OverlappedDescriptor.INTERNAL_HIGH_OFFSET, s.internalHigh.offset());
        assertEquals(OverlappedDescriptor.OFFSET_OFFSET, s.offset.offset());
        assertEquals(OverlappedDescriptor.OFFSET_HIGH_OFFSET, s.offsetHigh.offset());
        assertEquals(OverlappedDescriptor.EVENT_OFFSET, s.event.offset());
    }

    @Test
    void overlappedEntryIs32BytesOnX64() {
        OverlappedEntry s = new OverlappedEntry();
        assertEquals(32, cSize(s));
        assertEquals(OverlappedEntryDescriptor.SIZE, cSize(s));
        assertEquals(OverlappedEntryDescriptor.COMPLETION_KEY_OFFSET, s.completionKey.offset());
        assertEquals(OverlappedEntryDescriptor.OVERLAPPED_OFFSET, s.overlapped.offset());
        assertEquals(OverlappedEntryDescriptor.INTERNAL_OFFSET, s.internal.offset());
        assertEquals(OverlappedEntryDescriptor.BYTES_TRANSFERRED_OFFSET, s.bytesTransferred.offset());
    }

    @Test
    void ioStatusBlockIs16Bytes() {
        IoStatusBlock s = new IoStatusBlock();
        assertEquals(16, cSize(s));
        assertEquals(IoStatusBlockDescriptor.SIZE, cSize(s));
        assertEquals(IoStatusBlockDescriptor.STATUS_OFFSET, s.status.offset());
        assertEquals(IoStatusBlockDescriptor.INFORMATION_OFFSET, s.information.offset());
        // An OVERLAPPED begins with an IO_STATUS_BLOCK: Internal is Status, InternalHigh Information.
        assertEquals(OverlappedDescriptor.INTERNAL_HIGH_OFFSET, IoStatusBlockDescriptor.INFORMATION_OFFSET);
    }

    @Test
    void afdPollInfoWithOneHandleIs32Bytes() {
        AfdPollHandleInfo h = new AfdPollHandleInfo();
        assertEquals(16, cSize(h));
        assertEquals(AfdPollInfoDescriptor.HANDLE_INFO_SIZE, cSize(h));
        AfdPollInfo s = new AfdPollInfo();
        assertEquals(32, cSize(s), "16-byte header + one 16-byte handle element, not 40");
        assertEquals(AfdPollInfoDescriptor.SIZE, cSize(s));
        assertEquals(AfdPollInfoDescriptor.TIMEOUT_OFFSET, s.timeout.offset());
        assertEquals(AfdPollInfoDescriptor.NUMBER_OF_HANDLES_OFFSET, s.numberOfHandles.offset());
        assertEquals(AfdPollInfoDescriptor.EXCLUSIVE_OFFSET, s.exclusive.offset());
        assertEquals(AfdPollInfoDescriptor.HANDLE_OFFSET, s.handle.offset());
        assertEquals(AfdPollInfoDescriptor.HANDLES_OFFSET + h.events.offset(), s.events.offset());
        assertEquals(AfdPollInfoDescriptor.EVENTS_OFFSET, s.events.offset());
        assertEquals(AfdPollInfoDescriptor.STATUS_OFFSET, s.status.offset());
    }

    @Test
    void unicodeStringIs16AndObjectAttributes48Bytes() {
        UnicodeString u = new UnicodeString();
        assertEquals(16, cSize(u));
        assertEquals(ObjectAttributesDescriptor.UNICODE_STRING_SIZE, cSize(u));
        assertEquals(ObjectAttributesDescriptor.US_LENGTH_OFFSET, u.length.offset());
        assertEquals(ObjectAttributesDescriptor.US_MAXIMUM_LENGTH_OFFSET, u.maximumLength.offset());
        assertEquals(ObjectAttributesDescriptor.US_BUFFER_OFFSET, u.buffer.offset());
        ObjectAttributes o = new ObjectAttributes();
        assertEquals(48, cSize(o));
        assertEquals(ObjectAttributesDescriptor.OBJECT_ATTRIBUTES_SIZE, cSize(o));
        assertEquals(ObjectAttributesDescriptor.OA_LENGTH_OFFSET, o.length.offset());
        assertEquals(ObjectAttributesDescriptor.OA_ROOT_DIRECTORY_OFFSET, o.rootDirectory.offset());
        assertEquals(ObjectAttributesDescriptor.OA_OBJECT_NAME_OFFSET, o.objectName.offset());
        assertEquals(ObjectAttributesDescriptor.OA_ATTRIBUTES_OFFSET, o.attributes.offset());
        assertEquals(ObjectAttributesDescriptor.OA_SECURITY_DESCRIPTOR_OFFSET, o.securityDescriptor.offset());
        assertEquals(ObjectAttributesDescriptor.OA_SECURITY_QOS_OFFSET, o.securityQos.offset());
    }

    @Test
    void slotMemoryKeepsBothStructsEightByteAligned() {
        assertEquals(48, SocketTable.SLOT_SIZE);
        assertEquals(0, SocketTable.SLOT_SIZE % 8);
        assertEquals(0, SocketTable.POLL_INFO_OFFSET % 8);
    }

    @Test
    void ntCreateFileRequestPointsIntoItself() {
        ByteBuffer b = IocpNative.openRequest();
        long base = NativeMemory.address(b);
        byte[] name = "\\Device\\Afd\\jmio".getBytes(StandardCharsets.UTF_16LE);
        assertEquals(48, b.getInt(IocpNative.OPEN_OA + ObjectAttributesDescriptor.OA_LENGTH_OFFSET));
        assertEquals(base + IocpNative.OPEN_US, b.getLong(IocpNative.OPEN_OA + ObjectAttributesDescriptor.OA_OBJECT_NAME_OFFSET));
        assertEquals(0L, b.getLong(IocpNative.OPEN_OA + ObjectAttributesDescriptor.OA_ROOT_DIRECTORY_OFFSET));
        assertEquals(name.length, b.getShort(IocpNative.OPEN_US + ObjectAttributesDescriptor.US_LENGTH_OFFSET));
        assertEquals(32, name.length, "16 UTF-16 code units, no terminator counted");
        assertEquals(base + IocpNative.OPEN_NAME, b.getLong(IocpNative.OPEN_US + ObjectAttributesDescriptor.US_BUFFER_OFFSET));
        byte[] stored = new byte[name.length];
        b.get(IocpNative.OPEN_NAME, stored);
        assertEquals("\\Device\\Afd\\jmio", new String(stored, StandardCharsets.UTF_16LE));
        assertEquals(0, IocpNative.OPEN_HANDLE % 8, "the returned HANDLE is 8-byte aligned");
        assertEquals(0, IocpNative.OPEN_IOSB % 8);
    }
}
