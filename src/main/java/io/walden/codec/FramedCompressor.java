package io.walden.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compresses a large object's plaintext as a row of independent frames of {@code frameSize} bytes, several at
 * once, written in order. zstd decodes the row as one stream, so any reader reads the object as before; and
 * when the frames go straight into the chunk framing (no encryption), each frame starts a chunk and its stored
 * offset is recorded ({@link #index()}), so a restore in place can fetch and decode only the frames holding
 * blocks that differ. zstd's own threads would compress one frame on all cores but wait for each other at every
 * frame's end; frames compressed side by side do not wait. Each zstd frame carries its content checksum.
 * Memory: {@code workers + 1} plaintext buffers and the compressed frames in flight, all from {@link FrameBuffers}.
 */
final class FramedCompressor extends OutputStream {
    private final OutputStream out;
    /** Where offsets are taken from; null when something (the cipher) sits between this and the chunks. */
    private final ChunkedOutputStream chunks;
    private final long bodyStart;
    private final Compression compression;
    private final int level;
    private final int frameSize;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<Compressed>> inFlight = new ArrayDeque<>();
    private byte[] current;
    private int used;
    private long[] starts = new long[16];
    private int frames;
    private boolean closed;

    /**
     * @param chunks    the chunk framing {@code out} is, or null
     * @param bodyStart the stored offset of the body's first byte (the header's length)
     */
    FramedCompressor(OutputStream out, ChunkedOutputStream chunks, long bodyStart, Compression compression, int level,
                     int workers, int frameSize) {
        if (compression != Compression.ZSTD && compression != Compression.NONE) {
            throw new IllegalArgumentException("frames of " + compression + " are not supported");
        }
        this.out = out;
        this.chunks = chunks;
        this.bodyStart = bodyStart;
        this.compression = compression;
        this.level = level;
        this.frameSize = frameSize;
        this.maxInFlight = workers;
        this.pool = compression == Compression.NONE ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "walden-compress");
            t.setDaemon(true);
            return t;
        });
        if (compression == Compression.ZSTD) {
            ZstdLibrary.prepare();
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (current == null) {
            current = FrameBuffers.take(frameSize);
        }
        current[used++] = (byte) b;
        if (used == frameSize) {
            endFrame();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (len > 0) {
            if (current == null) {
                current = FrameBuffers.take(frameSize);
            }
            int n = Math.min(len, frameSize - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == frameSize) {
                endFrame();
            }
        }
    }

    /** The frames' stored offsets, once closed; null without chunk framing or without a byte of plaintext. */
    FrameIndex index() {
        if (!closed || chunks == null || frames == 0) {
            return null;
        }
        return new FrameIndex(frameSize, Arrays.copyOf(starts, frames + 1));
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (used > 0) {
                endFrame();
            }
            while (!inFlight.isEmpty()) {
                writeNext();
            }
            mark(); // where the end marker goes: the last frame's end
            out.close();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            FrameBuffers.give(current);
            current = null;
        }
    }

    /** A compressed frame: the first {@code length} bytes of {@code bytes}, a buffer to give back once written. */
    private record Compressed(byte[] bytes, int length) {}

    private void endFrame() throws IOException {
        byte[] plain = current;
        int length = used;
        current = null;
        used = 0;
        if (pool == null) {
            mark();
            out.write(plain, 0, length);
            FrameBuffers.give(plain);
            frames++;
            return;
        }
        if (inFlight.size() == maxInFlight) {
            writeNext();
        }
        inFlight.add(pool.submit(() -> {
            byte[] into = FrameBuffers.take((int) Zstd.compressBound(length));
            try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
                ctx.setLevel(level);
                ctx.setChecksum(true);
                return new Compressed(into, ctx.compressByteArray(into, 0, into.length, plain, 0, length));
            } catch (RuntimeException e) {
                FrameBuffers.give(into);
                throw e;
            } finally {
                FrameBuffers.give(plain);
            }
        }));
    }

    private void writeNext() throws IOException {
        Compressed compressed;
        try {
            compressed = inFlight.remove().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("compressing failed: " + e.getCause(), e.getCause());
        }
        mark();
        out.write(compressed.bytes(), 0, compressed.length());
        FrameBuffers.give(compressed.bytes());
        frames++;
    }

    /** Starts a new chunk and records where: the next frame, or the end. */
    private void mark() throws IOException {
        if (chunks == null) {
            return;
        }
        chunks.cut();
        if (frames + 1 >= starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[frames] = bodyStart + chunks.bytesWritten();
    }
}
