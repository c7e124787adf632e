package io.walden.codec;

import io.walden.error.CorruptObjectException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the chunk framing written by {@link ChunkedOutputStream}; stops exactly at the end marker, or, for the
 * chunks of one frame read alone ({@link #frame}), where the input ends between two chunks.
 */
final class ChunkedInputStream extends InputStream {
    private final DataInputStream in;
    private final String objectName;
    private final boolean endsWithInput;
    private int remaining;
    private boolean ended;

    ChunkedInputStream(DataInputStream in, String objectName) {
        this(in, objectName, false);
    }

    private ChunkedInputStream(DataInputStream in, String objectName, boolean endsWithInput) {
        this.in = in;
        this.objectName = objectName;
        this.endsWithInput = endsWithInput;
    }

    /** The whole chunks of one frame ({@link FrameIndex}): no end marker follows them. */
    static ChunkedInputStream frame(DataInputStream in, String objectName) {
        return new ChunkedInputStream(in, objectName, true);
    }

    private boolean nextChunk() throws IOException {
        while (remaining == 0 && !ended) {
            int length;
            if (endsWithInput) {
                byte[] header = in.readNBytes(4);
                if (header.length == 0) {
                    ended = true;
                    break;
                }
                if (header.length < 4) {
                    throw new CorruptObjectException(objectName + " is truncated (body incomplete)");
                }
                length = (header[0] & 0xFF) << 24 | (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
            } else {
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    throw new CorruptObjectException(objectName + " is truncated (body incomplete)");
                }
            }
            if (length < 0 || length > 64 * 1024 * 1024) {
                throw new CorruptObjectException(objectName + " has a damaged body (bad chunk length " + length + ")");
            }
            if (length == 0) {
                ended = true;
            }
            remaining = length;
        }
        return !ended || remaining > 0;
    }

    @Override
    public int read() throws IOException {
        if (!nextChunk()) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new CorruptObjectException(objectName + " is truncated (body incomplete)");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, Math.min(len, remaining));
        if (n < 0) {
            throw new CorruptObjectException(objectName + " is truncated (body incomplete)");
        }
        remaining -= n;
        return n;
    }

    /** Skips whatever the decompressor left unread, up to and including the end marker. */
    void drain() throws IOException {
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }
}
