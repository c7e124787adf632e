package io.walden.repo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
