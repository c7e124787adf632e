package io.walden.codec;

import io.walden.error.CorruptObjectException;
import io.walden.error.WaldenException;

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

    private ObjectDecoder(InputStream raw, String objectName, Keyring keyring) throws IOException {
        this.objectName = objectName;
        this.source = new DataInputStream(raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 256 * 1024));
        try {
            this.header = ObjectHeader.read(source, objectName);
            this.chunks = new ChunkedInputStream(new DataInputStream(new SourceGuard(source)), objectName);
            this.body = header.compression().decompress(decrypting(chunks, keyring));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Opens an object that must not be encrypted. */
    public static ObjectDecoder open(InputStream raw, String objectName) throws IOException {
        return new ObjectDecoder(raw, objectName, null);
    }

    /**
     * Opens an object; an encrypted one is decrypted with the keyring, which must hold the key named in its
     * header. {@code objectName} must be the key the object was stored under: it is authenticated.
     */
    public static ObjectDecoder open(InputStream raw, String objectName, Keyring keyring) throws IOException {
        return new ObjectDecoder(raw, objectName, keyring);
    }

    private InputStream decrypting(InputStream stored, Keyring keyring) throws IOException {
        if (!header.encrypted()) {
            return stored;
        }
        String keyId = Keyring.formatId(header.keyId());
        if (keyring == null) {
            throw new WaldenException(objectName + " is encrypted with key " + keyId + ", and no key was given",
                    "set WALDEN_ENCRYPTION_KEY_FILE (or WALDEN_ENCRYPTION_KEY) to the keyset that holds key " + keyId);
        }
        if (!keyring.contains(header.keyId())) {
            throw new WaldenException(objectName + " is encrypted with key " + keyId + ", which is not in the keyset from "
                    + keyring.source() + " (it holds " + keyring.keyIds().stream().map(Keyring::formatId).toList() + ")",
                    "give the keyset that holds key " + keyId + "; 'walden key list FILE' shows a keyset's key ids");
        }
        try {
            return keyring.aead().newDecryptingStream(stored, ObjectHeader.associatedData(header, objectName));
        } catch (java.security.GeneralSecurityException e) {
            throw new CorruptObjectException(objectName + " cannot be decrypted (" + e.getMessage() + ")");
        }
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
        } catch (SourceReadException e) {
            throw e.getCause(); // the storage failed, not the object: let retries and messages say so
        } catch (WaldenException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the decompressor or the cipher refused the bytes: damaged, or not what the header claims;
            // a decompressor that reads short blocks calls a cut object "corrupted": say truncated instead
            try {
                chunks.drain();
            } catch (CorruptObjectException truncated) {
                throw truncated;
            } catch (IOException | RuntimeException ignored) {
                // the content is bad either way
            }
            throw new CorruptObjectException(objectName + " has a damaged body"
                    + (header.encrypted() ? " (it fails decryption)" : " (" + e.getMessage() + ")"));
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
        try {
            chunks.drain();
        } catch (SourceReadException e) {
            throw e.getCause();
        }
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

    /** Marks failures of the underlying stream so they are not mistaken for damaged content. */
    private static final class SourceReadException extends IOException {
        SourceReadException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static final class SourceGuard extends java.io.FilterInputStream {
        SourceGuard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
        }
    }
}
