package io.jmio.poll.iocp;

/**
 * The layouts of {@code UNICODE_STRING} and {@code OBJECT_ATTRIBUTES} on 64-bit Windows, which
 * {@code NtCreateFile} needs to open {@value #AFD_DEVICE_NAME}.
 *
 * <pre>
 * typedef struct _UNICODE_STRING {              offset  size
 *     USHORT Length;                                 0     2   bytes, without a terminator
 *     USHORT MaximumLength;                          2     2   bytes of Buffer
 *                                                    4     4   (padding to 8)
 *     PWSTR  Buffer;                                 8     8   UTF-16LE characters
 * } UNICODE_STRING;                            size 16
 *
 * typedef struct _OBJECT_ATTRIBUTES {           offset  size
 *     ULONG           Length;                        0     4   sizeof(OBJECT_ATTRIBUTES) = 48
 *                                                    4     4   (padding to 8)
 *     HANDLE          RootDirectory;                 8     8   NULL
 *     PUNICODE_STRING ObjectName;                   16     8   -> the UNICODE_STRING above
 *     ULONG           Attributes;                   24     4   0
 *                                                   28     4   (padding to 8)
 *     PVOID           SecurityDescriptor;           32     8   NULL
 *     PVOID           SecurityQualityOfService;     40     8   NULL
 * } OBJECT_ATTRIBUTES;                         size 48
 * </pre>
 *
 * <p>Threading: constants only.
 */
final class ObjectAttributesDescriptor {
    /** The AFD device this backend opens; the part after {@code \Device\Afd\} is a free name, as in mio. */
    static final String AFD_DEVICE_NAME = "\\Device\\Afd\\jmio";

    /** {@code sizeof(UNICODE_STRING)}. */
    static final int UNICODE_STRING_SIZE = 16;
    /** Offset of {@code UNICODE_STRING.Length}. */
    static final int US_LENGTH_OFFSET = 0;
    /** Offset of {@code UNICODE_STRING.MaximumLength}. */
    static final int US_MAXIMUM_LENGTH_OFFSET = 2;
    /** Offset of {@code UNICODE_STRING.Buffer}. */
    static final int US_BUFFER_OFFSET = 8;

    /** {@code sizeof(OBJECT_ATTRIBUTES)}. */
    static final int OBJECT_ATTRIBUTES_SIZE = 48;
    /** Offset of {@code OBJECT_ATTRIBUTES.Length}. */
    static final int OA_LENGTH_OFFSET = 0;
    /** Offset of {@code RootDirectory}. */
    static final int OA_ROOT_DIRECTORY_OFFSET = 8;
    /** Offset of {@code ObjectName}. */
    static final int OA_OBJECT_NAME_OFFSET = 16;
    /** Offset of {@code Attributes}. */
    static final int OA_ATTRIBUTES_OFFSET = 24;
    /** Offset of {@code SecurityDescriptor}. */
    static final int OA_SECURITY_DESCRIPTOR_OFFSET = 32;
    /** Offset of {@code SecurityQualityOfService}. */
    static final int OA_SECURITY_QOS_OFFSET = 40;

    private ObjectAttributesDescriptor() {
    }
}
