package io.walden.restore;

import io.walden.repo.BlockRanges;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * In place: writes a file's content from the backup over what the file holds now, block by block, and only
 * where the two differ. A large file of which a few pages changed since the backup (rows updated together, an
 * index grown at its end) is then read and not rewritten: its unchanged blocks stay clean in the page cache
 * and never go to the disk again, which is what a restore waits for. The bytes are compared, not their hashes.
 * Chunks come in file order; the caller truncates what was longer.
 */
final class PatchWriter {
    private static final int BLOCK = BlockRanges.BLOCK_SIZE;

    private final FileChannel channel;
    private final byte[] current;
    private long position;
    private long unchanged;

    PatchWriter(FileChannel channel, int chunkSize) {
        this.channel = channel;
        this.current = new byte[chunkSize];
    }

    /** The next {@code length} bytes of the file (at most the chunk size). */
    void write(byte[] wanted, int length) throws IOException {
        int have = readCurrent(length);
        unchanged += writeWhereDifferent(channel, wanted, current, have, length, position);
        position += length;
    }

    /**
     * Writes {@code wanted[0, length)} at {@code at} where it differs, block by block, from {@code current}, which holds
     * the {@code have} bytes the file has there; returns the bytes that were already right.
     */
    static long writeWhereDifferent(FileChannel channel, byte[] wanted, byte[] current, int have, int length, long at)
            throws IOException {
        long same = 0;
        int run = -1; // where the blocks that differ, not written yet, start
        for (int off = 0; off < length; off += BLOCK) {
            int end = Math.min(length, off + BLOCK);
            if (end <= have && Arrays.equals(wanted, off, end, current, off, end)) {
                same += end - off;
                if (run >= 0) {
                    put(channel, wanted, run, off, at);
                    run = -1;
                }
            } else if (run < 0) {
                run = off;
            }
        }
        if (run >= 0) {
            put(channel, wanted, run, length, at);
        }
        return same;
    }

    /** Bytes that already held what the backup has, and were left alone. */
    long unchanged() {
        return unchanged;
    }

    private int readCurrent(int length) throws IOException {
        return readAt(channel, current, length, position);
    }

    /** Reads {@code length} bytes of what the file holds at {@code position}; returns how many it had (fewer at its end). */
    static int readAt(FileChannel channel, byte[] into, int length, long position) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(into, 0, length);
        while (bb.hasRemaining()) {
            if (channel.read(bb, position + bb.position()) < 0) { // a short read goes on where it stopped
                break;
            }
        }
        return bb.position();
    }

    private static void put(FileChannel channel, byte[] wanted, int from, int to, long at) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(wanted, from, to - from);
        long where = at + from;
        while (out.hasRemaining()) {
            where += channel.write(out, where);
        }
    }
}
