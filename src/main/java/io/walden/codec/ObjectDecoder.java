package io.walden.codec;

import com.github.luben.zstd.ZstdIOException;
import io.walden.error.CorruptObjectException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Reads a repository object back as plaintext and checks it: when the body ends, the plaintext length
 * and SHA-256 must match the trailer, or the read fails with {@link CorruptObjectException}. A caller
 * must read to the end (or call {@link #verifyToEnd()}) before trusting what it read.
 */
public final class ObjectDecoder extends InputStream {
    private final String objectName;
    private final DataInputStream source;
    private final ObjectHeader header;
    private final ChunkedInputStream chunks;
    private final InputStream body;
    private final MessageDigest digest = Digests.sha256();
    private long length;
    private ObjectTrailer trailer;

    private ObjectDecoder(InputStream raw, String objectName) throws IOException {
        this.objectName = objectName;
        this.source = new DataInputStream(raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 256 * 1024));
        this.header = ObjectHeader.read(source, objectName);
        if (header.keyId() != 0) {
            throw new CorruptObjectException(objectName + " is encrypted with key " + header.keyId()
                    + ", and this walden cannot decrypt objects");
        }
        this.chunks = new ChunkedInputStream(source, objectName);
        this.body = header.compression().decompress(chunks);
    }

    public static ObjectDecoder open(InputStream raw, String objectName) throws IOException {
        return new ObjectDecoder(raw, objectName);
    }

    public ObjectHeader header() {
        return header;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (trailer != null) {
            return -1;
        }
        int n;
        try {
            n = body.read(b, off, len);
        } catch (ZstdIOException e) {
            throw new CorruptObjectException(objectName + " has a damaged body (" + e.getMessage() + ")");
        }
        if (n < 0) {
            end();
            return -1;
        }
        digest.update(b, off, n);
        length += n;
        return n;
    }

    private void end() throws IOException {
        chunks.drain();
        ObjectTrailer t;
        try {
            t = ObjectTrailer.read(source);
        } catch (EOFException e) {
            throw new CorruptObjectException(objectName + " is truncated (no trailer)");
        }
        if (t == null) {
            throw new CorruptObjectException(objectName + " has a damaged trailer");
        }
        if (t.plainLength() != length || !Arrays.equals(t.sha256(), digest.digest())) {
            throw new CorruptObjectException(objectName + " fails its checksum: its content is not what was written");
        }
        trailer = t;
    }

    /** Reads and discards the rest, so the checksum is checked; returns the verified trailer. */
    public ObjectTrailer verifyToEnd() throws IOException {
        byte[] skip = new byte[64 * 1024];
        while (read(skip, 0, skip.length) >= 0) {
            // discard
        }
        return trailer;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
