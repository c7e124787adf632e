package io.walden.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether most blocks of a large file differ from a block map, judged from blocks spread evenly over the file.
 * An incremental backup stores such a file (rows updated at random touch nearly every page) whole: its changed
 * blocks would be nearly all of it anyway, storing them would hash the file twice (its own checksum and the
 * object's, one more pass on the busiest thread), and a restore would write the parent's copy, then the blocks
 * over it, then read it all back to check it. A restore in place compares the other files block by block and
 * writes only the blocks that differ; one mostly changed is simply written over.
 */
public final class MostlyChanged {
    /** Blocks looked at: enough to tell "nearly all" from "some", few enough to cost nothing next to the copy. */
    public static final int SAMPLES = 64;

    private MostlyChanged() {
    }

    /** True when more than three quarters of the sampled blocks differ; false for a file that is gone. */
    public static boolean test(Path file, BlockMap parent) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long blocks = BlockMap.blocks(ch.size());
            if (blocks == 0) {
                return false;
            }
            int samples = (int) Math.min(SAMPLES, blocks);
            ByteBuffer block = ByteBuffer.allocate(BlockRanges.BLOCK_SIZE);
            int changed = 0;
            for (int i = 0; i < samples; i++) {
                long b = (2 * i + 1) * blocks / (2L * samples); // the middle of each of `samples` equal stretches
                block.clear();
                long at = b * BlockRanges.BLOCK_SIZE;
                int n;
                do {
                    n = ch.read(block, at + block.position()); // a short read goes on from where it stopped
                } while (n > 0 && block.hasRemaining());
                boolean same = b <= Integer.MAX_VALUE
                        && parent.matches((int) b, BlockMap.hash(block.array(), 0, block.position()));
                if (!same) {
                    changed++;
                }
            }
            return changed * 4 > samples * 3;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
