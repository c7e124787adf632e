package io.walden.repo;

import io.walden.codec.FrameIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BlockMapTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsComparedWholeOrInPartsAndOnlyThePartWithTheChangedBlockDiffers() throws IOException {
        int blocks = 37;
        byte[] content = new byte[blocks * BlockRanges.BLOCK_SIZE - 100]; // the last block is short
        new Random(5).nextBytes(content);
        Path file = Files.write(dir.resolve("f"), content);
        BlockMap map = new BlockMap();
        map.addBlocks(content, content.length);
        byte[] buffer = new byte[4 * BlockRanges.BLOCK_SIZE]; // parts do not start on buffer boundaries

        assertThat(map.count()).isEqualTo(blocks);
        assertThat(map.matchesFile(file, buffer)).isTrue();
        assertThat(map.matchesFile(file, buffer, 0, 19)).isTrue();
        assertThat(map.matchesFile(file, buffer, 19, blocks)).isTrue();

        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(25L * BlockRanges.BLOCK_SIZE + 7);
            f.write(content[25 * BlockRanges.BLOCK_SIZE + 7] ^ 1);
        }
        assertThat(map.matchesFile(file, buffer)).isFalse();
        assertThat(map.matchesFile(file, buffer, 0, 19)).as("the part before the change").isTrue();
        assertThat(map.matchesFile(file, buffer, 19, blocks)).isFalse();
        assertThat(map.matchesFile(file, buffer, 26, blocks)).as("the part after it").isTrue();

        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(content.length - BlockRanges.BLOCK_SIZE);
        }
        assertThat(map.matchesFile(file, buffer, 0, 19)).as("a file with fewer blocks differs in every part").isFalse();
        assertThat(map.matchesFile(dir.resolve("missing"), buffer, 0, 19)).isFalse();
    }

    @Test
    void framesAreComparedOneByOneAndEachFrameWithADifferenceIsFlagged() throws IOException {
        int frameBlocks = 4;
        int blocks = 18; // four whole frames and a short one
        byte[] content = new byte[blocks * BlockRanges.BLOCK_SIZE];
        new Random(6).nextBytes(content);
        Path file = Files.write(dir.resolve("framed"), content);
        BlockMap map = new BlockMap();
        map.addBlocks(content, content.length);
        byte[] buffer = new byte[3 * BlockRanges.BLOCK_SIZE];

        boolean[] differs = new boolean[5];
        assertThat(map.compareFrames(file, buffer, 0, blocks, frameBlocks, differs)).isTrue();
        assertThat(differs).containsOnly(false);

        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(5L * BlockRanges.BLOCK_SIZE + 1); // frame 1
            f.write(content[5 * BlockRanges.BLOCK_SIZE + 1] ^ 1);
            f.setLength(17L * BlockRanges.BLOCK_SIZE); // the short frame 4 loses its block
        }
        differs = new boolean[5];
        assertThat(map.compareFrames(file, buffer, 0, 8, frameBlocks, differs)).as("frames 0 and 1").isFalse();
        assertThat(map.compareFrames(file, buffer, 8, blocks, frameBlocks, differs)).as("frames 2 to 4").isFalse();
        assertThat(differs).containsExactly(false, true, false, false, true);

        differs = new boolean[5];
        assertThat(map.compareFrames(dir.resolve("missing"), buffer, 8, blocks, frameBlocks, differs)).isFalse();
        assertThat(differs).containsExactly(false, false, true, true, true);
    }

    @Test
    void theFramesOfTheFilesObjectComeBackWithTheMap() throws IOException {
        Repository repository = new Repository(new io.walden.storage.LocalStorage(dir.resolve("repo")));
        BlockMap map = new BlockMap();
        map.add(1);
        map.add(2);
        FrameIndex frames = new FrameIndex(8192, new long[] {40, 900, 1500});
        map.write(repository, "backups/A/data/000001.map", Optional.of(frames));
        map.write(repository, "backups/A/data/000002.map", Optional.empty());

        BlockMap framed = BlockMap.read(repository, "backups/A/data/000001.map");
        assertThat(framed.frames()).contains(frames);
        assertThat(framed.count()).isEqualTo(2);
        assertThat(framed.matches(1, 2)).isTrue();
        assertThat(BlockMap.read(repository, "backups/A/data/000002.map").frames()).isEmpty();
    }
}
