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
    private final DataOutputStream sink;
    private final ChunkedOutputStream chunks;
    private final OutputStream body;
    private final MessageDigest digest = Digests.sha256();
    private long length;
    private ObjectTrailer trailer;

    private ObjectEncoder(OutputStream sink, ObjectHeader header, int level, int workers, Keyring keyring, String objectKey)
            throws IOException {
        this.sink = new DataOutputStream(sink);
        header.write(this.sink);
        this.chunks = new ChunkedOutputStream(this.sink);
        this.body = header.compression().compress(stored(chunks, header, keyring, objectKey), level, workers);
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
     * bytes the streaming encoder writes for that plaintext.
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
     * With {@code workers} above 1, zstd compresses on that many threads of its own (one frame all the same),
     * so one large file does not leave the other cores idle; {@code keyring} null: unencrypted.
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
            trailer = new ObjectTrailer(length, digest.digest());
            trailer.write(sink);
            sink.flush();
        }
        return trailer;
    }

    public long plainLength() {
        return length;
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
