package io.walden.storage.s3;

import software.amazon.awssdk.core.sync.RequestBody;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

/**
 * The bytes of one part (or of a whole small object) on their way to S3. It grows as it fills, up to its
 * capacity, so that a small object does not cost a whole part's memory.
 */
final class PartBuffer {
    private static final int INITIAL = 64 * 1024;

    private final int capacity;
    private byte[] bytes;
    private int size;

    PartBuffer(int capacity, boolean preallocate) {
        this.capacity = capacity;
        this.bytes = new byte[preallocate ? capacity : Math.min(INITIAL, capacity)];
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == capacity;
    }

    void write(int b) {
        ensure(size + 1);
        bytes[size++] = (byte) b;
    }

    /** Copies as much of {@code b[off, off+len)} as fits and returns how much that was. */
    int fill(byte[] b, int off, int len) {
        int n = Math.min(len, capacity - size);
        ensure(size + n);
        System.arraycopy(b, off, bytes, size, n);
        size += n;
        return n;
    }

    private void ensure(int needed) {
        if (needed > bytes.length) {
            int grown = (int) Math.min(capacity, Math.max(needed, 2L * bytes.length));
            bytes = Arrays.copyOf(bytes, grown);
        }
    }

    /** A body the SDK can read as often as it retries, without copying the bytes. */
    RequestBody body() {
        byte[] b = bytes;
        int n = size;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(b, 0, n), n, "application/octet-stream");
    }
}
