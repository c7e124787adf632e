package io.walden.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * How a repository writes new objects (compression, level, encryption key, compression threads per
 * object) and which keys it can read with. Reading does not depend on the write settings: every object's
 * header says how it was written.
 */
public record ObjectCodec(Compression compression, int level, Optional<Keyring> keyring, int workers) {

    public ObjectCodec {
        keyring = keyring == null ? Optional.empty() : keyring;
    }

    public ObjectCodec(Compression compression, int level, Optional<Keyring> keyring) {
        this(compression, level, keyring, 0);
    }

    /** The same settings, compressing each object on {@code n} threads (zstd only). */
    public ObjectCodec withWorkers(int n) {
        return new ObjectCodec(compression, level, keyring, n);
    }

    /** zstd level 1, no encryption. */
    public static ObjectCodec defaults() {
        return new ObjectCodec(Compression.ZSTD, Compression.ZSTD.defaultLevel(), Optional.empty());
    }

    public boolean encrypts() {
        return keyring.isPresent();
    }

    /** The encryption name a repository records: "none" or the algorithm. */
    public String encryption() {
        return encrypts() ? Keyring.ALGORITHM : "none";
    }

    public ObjectEncoder encoder(OutputStream sink, String objectKey, String metadata) throws IOException {
        if (keyring.isEmpty()) {
            return ObjectEncoder.open(sink, ObjectHeader.of(compression, metadata), level, workers, null, null);
        }
        Keyring keys = keyring.get();
        return ObjectEncoder.open(sink, ObjectHeader.of(compression, keys.primaryKeyId(), metadata), level, workers, keys, objectKey);
    }

    /**
     * Starts compressing and hashing {@code plain[0, length)} on {@code cpu}, for {@link #write}; the array must not
     * change until the result is complete.
     */
    public java.util.concurrent.CompletableFuture<CompressedBody> compress(byte[] plain, int length, java.util.concurrent.Executor cpu) {
        return CompressedBody.of(plain, length, compression, level, workers, cpu);
    }

    /** Writes the object {@code objectKey} with this metadata and a body compressed by {@link #compress}. */
    public void write(OutputStream sink, String objectKey, String metadata, CompressedBody body) throws IOException {
        if (body.compression() != compression) {
            throw new IllegalArgumentException("body compressed with " + body.compression() + ", this codec writes " + compression);
        }
        if (keyring.isEmpty()) {
            ObjectEncoder.write(sink, ObjectHeader.of(compression, metadata), null, objectKey, body);
        } else {
            Keyring keys = keyring.get();
            ObjectEncoder.write(sink, ObjectHeader.of(compression, keys.primaryKeyId(), metadata), keys, objectKey, body);
        }
    }

    public ObjectDecoder decoder(InputStream raw, String objectKey) throws IOException {
        return ObjectDecoder.open(raw, objectKey, keyring.orElse(null));
    }
}
