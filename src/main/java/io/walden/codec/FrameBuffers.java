package io.walden.codec;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers of a frame's size ({@link ObjectEncoder#FRAME_SIZE}, with room for what compression or chunk framing
 * adds), kept between frames and files. A backup or restore handles hundreds of frames: a fresh array of megabytes
 * for each would be garbage by the gigabyte, which the collector answers by growing the heap far beyond what is
 * ever in use at once. At most {@link #SPARE} are kept.
 */
public final class FrameBuffers {
    /** Room for a compressed frame (zstd's bound) and its chunk lengths. */
    public static final int SIZE = ObjectEncoder.FRAME_SIZE + (32 << 10);
    private static final int SPARE = 8;
    private static final ArrayBlockingQueue<byte[]> SPARES = new ArrayBlockingQueue<>(SPARE);

    private FrameBuffers() {
    }

    /** A buffer of at least {@code size} bytes: a kept one when {@code size} fits in {@link #SIZE}. */
    public static byte[] take(int size) {
        if (size > SIZE) {
            return new byte[size];
        }
        byte[] b = SPARES.poll();
        return b != null ? b : new byte[SIZE];
    }

    /** Hands a buffer back once nothing uses it any more; null and odd sizes are ignored. */
    public static void give(byte[] buffer) {
        if (buffer != null && buffer.length == SIZE) {
            SPARES.offer(buffer);
        }
    }
}
