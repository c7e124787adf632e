package io.walden.codec;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.walden.error.CorruptObjectException;

import java.io.DataInputStream;
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
        // the chunks' lengths go, what they frame stays: never more than the stored bytes
        int bodyLength = ChunkedInputStream.frame(new DataInputStream(stored), objectName).readNBytes(raw, 0, storedLength);
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
