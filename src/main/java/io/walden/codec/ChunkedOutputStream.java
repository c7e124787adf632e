package io.walden.codec;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Frames an object's body as length-prefixed chunks ending with an empty chunk, so a reader knows where
 * the body ends and the trailer begins whatever the compressor reads ahead. Closing writes the end
 * marker but leaves the underlying stream open.
 */
final class ChunkedOutputStream extends OutputStream {
    static final int CHUNK = 256 * 1024;

    private final DataOutputStream out;
    private final byte[] buffer = new byte[CHUNK];
    private int used;
    private boolean closed;
    private long written;

    ChunkedOutputStream(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (used == buffer.length) {
            emit();
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == buffer.length) {
                emit();
            }
            int n = Math.min(len, buffer.length - used);
            System.arraycopy(b, off, buffer, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    private void emit() throws IOException {
        if (used > 0) {
            out.writeInt(used);
            out.write(buffer, 0, used);
            written += 4 + used;
            used = 0;
        }
    }

    @Override
    public void flush() {
        // Chunks go out when full or at close; flushing early would only make more, smaller chunks.
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            emit();
            out.writeInt(0);
            written += 4;
            out.flush();
        }
    }

    /** Ends the current chunk here, so that what is written next starts a chunk of its own. */
    void cut() throws IOException {
        emit();
    }

    long bytesWritten() {
        return written;
    }
}
