package io.walden.codec;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Turns plaintext written to it into a repository object on {@code sink}: header, compressed chunked
 * body, trailer with the plaintext length and SHA-256. {@link #finish()} completes the object; the
 * caller owns and closes the sink.
 */
public final class ObjectEncoder extends OutputStream {
    private final DataOutputStream sink;
    private final ChunkedOutputStream chunks;
    private final OutputStream body;
    private final MessageDigest digest = Digests.sha256();
    private long length;
    private ObjectTrailer trailer;

    private ObjectEncoder(OutputStream sink, ObjectHeader header, int level) throws IOException {
        this.sink = new DataOutputStream(sink);
        header.write(this.sink);
        this.chunks = new ChunkedOutputStream(this.sink);
        this.body = header.compression().compress(chunks, level);
    }

    public static ObjectEncoder open(OutputStream sink, ObjectHeader header, int level) throws IOException {
        return new ObjectEncoder(sink, header, level);
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
            body.close(); // closes the compressor, which closes the chunk framing (not the sink)
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
