package io.walden.codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.walden.error.CorruptObjectException;

/**
 * The header every repository object starts with, so one repository can hold objects written with
 * different settings: magic, format version, compression, key id (0 = not encrypted) and a small
 * free-form metadata string (JSON) for whoever wrote the object.
 */
public record ObjectHeader(int formatVersion, Compression compression, int keyId, String metadata) {
    static final byte[] MAGIC = {'W', 'L', 'D', 'N'};
    static final int CURRENT_VERSION = 1;
    private static final int MAX_METADATA = 64 * 1024;

    public ObjectHeader {
        metadata = metadata == null ? "" : metadata;
    }

    public static ObjectHeader of(Compression compression, String metadata) {
        return new ObjectHeader(CURRENT_VERSION, compression, 0, metadata);
    }

    public static ObjectHeader of(Compression compression, int keyId, String metadata) {
        return new ObjectHeader(CURRENT_VERSION, compression, keyId, metadata);
    }

    public boolean encrypted() {
        return keyId != 0;
    }

    /** What an encrypted body is bound to: the object's name and every header field. */
    static byte[] associatedData(ObjectHeader header, String objectKey) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeUTF(objectKey);
        header.write(out);
        out.flush();
        return buf.toByteArray();
    }

    /** Parses a header from the first bytes of an object (at least the header's own length). */
    public static ObjectHeader parse(byte[] first, String objectName) throws IOException {
        return read(new DataInputStream(new java.io.ByteArrayInputStream(first)), objectName);
    }

    /** The fixed part before the metadata: magic, version, compression, key id, metadata length. */
    public static final int FIXED_LENGTH = 4 + 1 + 1 + 4 + 4;

    /**
     * Reads the fixed part of a header (for reports that need compression and key id without reading
     * the object); the metadata comes back empty.
     */
    public static ObjectHeader readFixed(byte[] first, String objectName) throws IOException {
        if (first.length < FIXED_LENGTH) {
            throw new CorruptObjectException(objectName + " is truncated (header incomplete)");
        }
        byte[] withoutMeta = Arrays.copyOf(first, FIXED_LENGTH);
        withoutMeta[10] = withoutMeta[11] = withoutMeta[12] = withoutMeta[13] = 0;
        return read(new DataInputStream(new java.io.ByteArrayInputStream(withoutMeta)), objectName);
    }

    void write(DataOutputStream out) throws IOException {
        byte[] meta = metadata.getBytes(StandardCharsets.UTF_8);
        out.write(MAGIC);
        out.writeByte(formatVersion);
        out.writeByte(compression.code());
        out.writeInt(keyId);
        out.writeInt(meta.length);
        out.write(meta);
    }

    static ObjectHeader read(DataInputStream in, String objectName) throws IOException {
        byte[] magic = new byte[4];
        try {
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptObjectException(objectName + " is not a walden object (bad magic)");
            }
            int version = in.readUnsignedByte();
            if (version != CURRENT_VERSION) {
                throw new CorruptObjectException(objectName + " has object format " + version
                        + ", this walden reads format " + CURRENT_VERSION);
            }
            int compressionCode = in.readUnsignedByte();
            int keyId = in.readInt();
            int metaLength = in.readInt();
            if (metaLength < 0 || metaLength > MAX_METADATA) {
                throw new CorruptObjectException(objectName + " has a damaged header");
            }
            byte[] meta = new byte[metaLength];
            in.readFully(meta);
            Compression compression;
            try {
                compression = Compression.fromCode(compressionCode);
            } catch (IllegalArgumentException e) {
                throw new CorruptObjectException(objectName + " uses an unknown compression (code " + compressionCode + ")");
            }
            return new ObjectHeader(version, compression, keyId, new String(meta, StandardCharsets.UTF_8));
        } catch (EOFException e) {
            throw new CorruptObjectException(objectName + " is truncated (header incomplete)");
        }
    }
}
