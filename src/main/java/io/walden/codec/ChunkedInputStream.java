package io.walden.codec;

import io.walden.error.CorruptObjectException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads the chunk framing written by {@link ChunkedOutputStream}; stops exactly at the end marker. */
final class ChunkedInputStream extends InputStream {
    private final DataInputStream in;
    private final String objectName;
    private int remaining;
    private boolean ended;

    ChunkedInputStream(DataInputStream in, String objectName) {
        this.in = in;
        this.objectName = objectName;
    }

    private boolean nextChunk() throws IOException {
        while (remaining == 0 && !ended) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                throw new CorruptObjectException(objectName + " is truncated (body incomplete)");
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
