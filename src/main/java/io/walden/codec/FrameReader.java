package io.walden.codec;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.walden.error.CorruptObjectException;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes one frame of an object compressed in frames ({@link FrameIndex}) from the stored bytes of its chunks
 * alone. The object's SHA-256 covers the whole plaintext and cannot be checked from one frame: a zstd frame is
 * checked by its own content checksum, and the caller checks what it decoded against the file's block map.
 */
public final class FrameReader {
    private FrameReader() {
    }

    /**
     * Decodes the frame whose chunks are the {@code storedLength} bytes of {@code stored} into {@code into}, which
     * must hold at least {@code plainLength} bytes, the frame's plaintext length. {@code scratch} holds the stored
     * bytes when it is large enough; returns the array used, for the next call.
     */
    public static byte[] read(InputStream stored, int storedLength, Compression compression, int plainLength, byte[] into,
                              byte[] scratch, String objectName) throws IOException {
        byte[] raw = scratch != null && scratch.length >= storedLength ? scratch : new byte[storedLength];
        if (stored.readNBytes(raw, 0, storedLength) != storedLength) {
            throw damaged(objectName, "is truncated");
        }
        int bodyLength = unchunk(raw, storedLength, objectName);
        switch (compression) {
            case NONE -> {
                if (bodyLength != plainLength) {
                    throw damaged(objectName, "holds " + bodyLength + " bytes, not " + plainLength);
                }
                System.arraycopy(raw, 0, into, 0, plainLength);
            }
            case ZSTD -> decompress(raw, bodyLength, into, plainLength, objectName);
            case LZ4 -> throw new IllegalArgumentException("lz4 objects are not compressed in frames");
        }
        return raw;
    }

    /** Removes the chunk lengths in place; returns the body bytes left at the start of {@code raw}. */
    private static int unchunk(byte[] raw, int length, String objectName) {
        int read = 0;
        int written = 0;
        while (read < length) {
            if (length - read < 4) {
                throw damaged(objectName, "ends inside a chunk header");
            }
            int chunk = (raw[read] & 0xFF) << 24 | (raw[read + 1] & 0xFF) << 16 | (raw[read + 2] & 0xFF) << 8 | (raw[read + 3] & 0xFF);
            read += 4;
            if (chunk <= 0 || chunk > length - read) {
                throw damaged(objectName, "has a bad chunk length " + chunk);
            }
            System.arraycopy(raw, read, raw, written, chunk);
            read += chunk;
            written += chunk;
        }
        return written;
    }

    private static void decompress(byte[] compressed, int length, byte[] into, int plainLength, String objectName) {
        ZstdLibrary.prepare();
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            int n = ctx.decompressByteArray(into, 0, plainLength, compressed, 0, length);
            if (n != plainLength) {
                throw damaged(objectName, "decodes to " + n + " bytes, not " + plainLength);
            }
        } catch (ZstdException e) {
            throw damaged(objectName, "does not decode (" + e.getMessage() + ")");
        }
    }

    private static CorruptObjectException damaged(String objectName, String what) {
        return new CorruptObjectException("a frame of " + objectName + " " + what);
    }
}
