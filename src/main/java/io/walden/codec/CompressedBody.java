package io.walden.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A plaintext compressed and hashed before its object is written, so that both run in parallel with each
 * other and with the caller's own work on the same bytes (wal-push decodes the segment meanwhile, and only
 * then knows the metadata that goes first in the object). {@link ObjectCodec#write} turns it into the bytes
 * the streaming encoder writes for the same plaintext on one thread (on several, that one writes frames).
 *
 * @param compression how {@code compressed} was made
 * @param compressed  the compressed plaintext, the first {@code compressedLength} bytes
 * @param trailer     the plaintext's length and SHA-256
 */
public record CompressedBody(Compression compression, byte[] compressed, int compressedLength, ObjectTrailer trailer) {

    /**
     * Compresses {@code plain[0, length)} with {@code compression} at {@code level} on one task of {@code cpu} (and,
     * with {@code workers} above 1, that many threads of zstd's own) and hashes it on another. {@code plain} must not
     * change until the result is complete.
     */
    static CompletableFuture<CompressedBody> of(byte[] plain, int length, Compression compression, int level, int workers,
                                                Executor cpu) {
        CompletableFuture<byte[]> sha = CompletableFuture.supplyAsync(() -> {
            MessageDigest digest = Digests.sha256();
            digest.update(plain, 0, length);
            return digest.digest();
        }, cpu);
        CompletableFuture<Buffer> packed = CompletableFuture.supplyAsync(() -> {
            Buffer out = new Buffer(Math.max(4096, length / 4));
            try (OutputStream compressor = compression.compress(out, level, workers)) {
                compressor.write(plain, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }, cpu);
        return packed.thenCombine(sha, (out, digest) ->
                new CompressedBody(compression, out.bytes(), out.size(), new ObjectTrailer(length, digest)));
    }

    /** A byte array stream whose array is handed on without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
