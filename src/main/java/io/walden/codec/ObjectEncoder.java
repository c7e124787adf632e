package io.walden.codec;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Turns plaintext written to it into a repository object on {@code sink}: header, compressed (and, with a
 * keyring, encrypted) chunked body, trailer with the plaintext length and SHA-256. {@link #finish()}
 * completes the object; the caller owns and closes the sink.
 *
 * <p>Encryption comes after compression (ciphertext does not compress). Its associated data binds the
 * ciphertext to the object's key and header, so an object moved to another name, or a header edited to
 * claim another compression, fails authentication instead of decoding into garbage.
 */
public final class ObjectEncoder extends OutputStream {
    /**
     * Plaintext bytes per frame when an object is compressed on several threads ({@link FramedCompressor}): 504
     * blocks of 8 kB, so that a frame's buffer ({@link FrameBuffers#SIZE}) fits in one 4 MB region of the JVM's
     * default collector, where a buffer of 4 MB and a little would take two.
     */
    static final int FRAME_SIZE = (4 << 20) - (64 << 10);

    private final DataOutputStream sink;
    private final ChunkedOutputStream chunks;
    private final OutputStream body;
    private final MessageDigest digest = Digests.sha256();
    private long length;
    private ObjectTrailer trailer;
    private FrameIndex frames;

    private ObjectEncoder(OutputStream sink, ObjectHeader header, int level, int workers, Keyring keyring, String objectKey)
            throws IOException {
        this.sink = new DataOutputStream(sink);
        header.write(this.sink);
        this.chunks = new ChunkedOutputStream(this.sink);
        OutputStream stored = stored(chunks, header, keyring, objectKey);
        Compression compression = header.compression();
        if (workers > 1 && (compression == Compression.ZSTD || compression == Compression.NONE)) {
            this.body = new FramedCompressor(stored, stored == chunks ? chunks : null, this.sink.size(), compression, level,
                    workers, FRAME_SIZE);
        } else {
            this.body = compression.compress(stored, level, workers);
        }
    }

    /** Where the compressed body goes: encryption (with a keyring), then the chunk framing. */
    private static OutputStream stored(ChunkedOutputStream chunks, ObjectHeader header, Keyring keyring, String objectKey)
            throws IOException {
        if (keyring == null) {
            return chunks;
        }
        try {
            return keyring.aead().newEncryptingStream(chunks, ObjectHeader.associatedData(header, objectKey));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot start encryption: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a whole object whose body was compressed and hashed beforehand ({@link CompressedBody}): the same
     * bytes the streaming encoder writes for that plaintext on one thread.
     */
    static void write(OutputStream sink, ObjectHeader header, Keyring keyring, String objectKey, CompressedBody body)
            throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        header.write(out);
        ChunkedOutputStream chunks = new ChunkedOutputStream(out);
        OutputStream stored = stored(chunks, header, keyring, objectKey);
        stored.write(body.compressed(), 0, body.compressedLength());
        stored.close(); // ends the cipher, then the chunk framing; the sink stays open
        chunks.close();
        body.trailer().write(out);
        out.flush();
    }

    /** An unencrypted object. */
    public static ObjectEncoder open(OutputStream sink, ObjectHeader header, int level) throws IOException {
        return new ObjectEncoder(sink, header, level, 0, null, null);
    }

    /**
     * An object encrypted with the keyring's primary key; the header must name that key, and
     * {@code objectKey} is the name the object is stored under (a reader must give the same).
     */
    public static ObjectEncoder open(OutputStream sink, ObjectHeader header, int level, Keyring keyring, String objectKey)
            throws IOException {
        return open(sink, header, level, 0, keyring, objectKey);
    }

    /**
     * With {@code workers} above 1, the body is compressed as independent frames on that many threads
     * ({@link FramedCompressor}), so one large file does not leave the other cores idle, and an unencrypted
     * object gets a {@link #frames() frame index}; {@code keyring} null: unencrypted.
     */
    public static ObjectEncoder open(OutputStream sink, ObjectHeader header, int level, int workers, Keyring keyring,
                                     String objectKey) throws IOException {
        if (keyring != null && header.keyId() != keyring.primaryKeyId()) {
            throw new IllegalArgumentException("header names key " + header.keyId() + ", primary is " + keyring.primaryKeyId());
        }
        return new ObjectEncoder(sink, header, level, workers, keyring, keyring == null ? null : objectKey);
    }

    @Override
    public void write(int b) throws IOException {
        digest.update((byte) b);
        length++;
        body.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        digest.update(b, off, len);
        length += len;
        body.write(b, off, len);
    }

    /** Ends the body and writes the trailer; returns what a reader will check against. */
    public ObjectTrailer finish() throws IOException {
        if (trailer == null) {
            body.close(); // closes the compressor (and cipher), which close the chunk framing, not the sink
            if (body instanceof FramedCompressor framed) {
                frames = framed.index();
            }
            trailer = new ObjectTrailer(length, digest.digest());
            trailer.write(sink);
            sink.flush();
        }
        return trailer;
    }

    /** Where the body's frames are, once finished: only for an unencrypted object compressed in frames. */
    public java.util.Optional<FrameIndex> frames() {
        return java.util.Optional.ofNullable(frames);
    }

    public long plainLength() {
        return length;
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
