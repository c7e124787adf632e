package io.walden.restore;

import io.walden.codec.FrameBuffers;
import io.walden.codec.FrameIndex;
import io.walden.codec.ObjectHeader;
import io.walden.error.CorruptObjectException;
import io.walden.error.ParallelTasks;
import io.walden.repo.BlockMap;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.Repository;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/**
 * In place: brings a large file back to the backup's content frame by frame, when its data object was compressed in
 * independent frames ({@link FrameIndex}). A frame whose blocks in the file all match the backup's block map is
 * left alone; only the others are fetched and decoded, and of those only the blocks that differ are written. A
 * file of which one range of rows changed then costs a few frames, not its whole object.
 *
 * <p>The object's SHA-256 cannot be checked without decoding it all. Instead each decoded frame is checked by its
 * own checksum and every block of it against the block map, which the backup computed from the same bytes it
 * compressed: what is left in the file is, block by block, what the map describes, the same test that keeps an
 * unchanged file in place.
 */
final class FramePatcher {
    private static final int BLOCK = BlockRanges.BLOCK_SIZE;

    private final Repository repository;
    private final int jobs;
    private final LongConsumer progress;

    FramePatcher(Repository repository, int jobs, LongConsumer progress) {
        this.repository = repository;
        this.jobs = jobs;
        this.progress = progress;
    }

    /** What patching a file did: bytes already right, and frames fetched. */
    record Patched(long unchanged, int framesRead) {}

    /** Whether these frames and this map describe file {@code f} whole, frames on block boundaries. */
    static boolean describe(FrameIndex frames, BlockMap map, FileEntry f) {
        return frames.frameSize() % BLOCK == 0 && frames.fits(f.size()) && map.count() == BlockMap.blocks(f.size());
    }

    /**
     * Makes {@code out} hold the content of {@code f}, stored in object {@code key} with frames {@code frames} and
     * described by {@code map}, where the frames {@code differing} flags are the only ones whose blocks in the file
     * do not all match the map (as {@link BlockMap#compareFrames} found); the others are left alone.
     */
    Patched patch(String key, ObjectHeader header, FileEntry f, BlockMap map, FrameIndex frames, boolean[] differing,
                  FileChannel out) throws IOException {
        if (!describe(frames, map, f) || differing.length != frames.frames()) {
            throw new IllegalArgumentException("the frames of " + key + " do not describe file " + f.path());
        }
        long unchanged = 0;
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (int k = 0; k < frames.frames(); k++) {
            int length = frames.plainLength(k, f.size());
            if (!differing[k]) {
                unchanged += length;
                progress.accept(length);
                continue;
            }
            int frame = k;
            tasks.add(() -> frame(key, header, f, map, frames, frame, out));
        }
        int read = 0;
        for (long[] r : ParallelTasks.all(jobs, tasks, "restore")) {
            unchanged += r[0];
            read += (int) r[1];
        }
        if (out.size() > f.size()) {
            out.truncate(f.size()); // what was longer in place
        }
        return new Patched(unchanged, read);
    }

    /** One frame that differs, fetched and written where it differs: {unchanged bytes, 1}. */
    private long[] frame(String key, ObjectHeader header, FileEntry f, BlockMap map, FrameIndex frames, int k, FileChannel out)
            throws IOException {
        long start = frames.plainStart(k);
        int length = frames.plainLength(k, f.size());
        byte[] current = FrameBuffers.take(length);
        byte[] wanted = FrameBuffers.take(length);
        byte[] stored = FrameBuffers.take(FrameBuffers.SIZE);
        try {
            int have = PatchWriter.readAt(out, current, length, start);
            stored = repository.readFrame(key, header, frames, k, f.size(), wanted, stored);
            return new long[] {patchFrame(key, f, map, k, current, have, wanted, length, out, start), 1};
        } finally {
            FrameBuffers.give(current);
            FrameBuffers.give(wanted);
            FrameBuffers.give(stored);
        }
    }

    /** Writes the blocks of a decoded frame that differ from what the file has; returns the bytes that did not. */
    private long patchFrame(String key, FileEntry f, BlockMap map, int k, byte[] current, int have, byte[] wanted, int length,
                            FileChannel out, long start) throws IOException {
        int firstBlock = (int) (start / BLOCK);
        if (!map.matches(firstBlock, wanted, length)) {
            throw new CorruptObjectException("frame " + k + " of " + key + " does not hold the blocks of file " + f.path()
                    + " its block map describes");
        }
        long unchanged = PatchWriter.writeWhereDifferent(out, wanted, current, have, length, start);
        progress.accept(length);
        return unchanged;
    }
}
