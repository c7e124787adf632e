package io.walden.repo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MostlyChangedTest {
    private static final int BLOCK = BlockRanges.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void aFileWithFewOrNoChangedBlocksIsNotMostlyChanged() throws IOException {
        byte[] content = random(1000 * BLOCK, 1);
        Path file = write("rel", content);
        BlockMap parent = mapOf(content);
        assertThat(MostlyChanged.test(file, parent)).as("unchanged").isFalse();

        touchEvery(content, 10); // a tenth of the blocks, spread over the file
        Files.write(file, content);
        assertThat(MostlyChanged.test(file, parent)).as("a tenth changed").isFalse();
    }

    @Test
    void aFileWhoseBlocksNearlyAllChangedIsMostlyChanged() throws IOException {
        byte[] content = random(1000 * BLOCK, 2);
        BlockMap parent = mapOf(content);
        byte[] now = content.clone();
        for (int b = 0; b < 1000; b++) {
            if (b % 10 != 0) { // nine blocks in ten
                now[b * BLOCK + 100] ^= 1;
            }
        }
        assertThat(MostlyChanged.test(write("rel", now), parent)).isTrue();
    }

    @Test
    void blocksBeyondTheParentsMapCountAsChanged() throws IOException {
        byte[] content = random(100 * BLOCK, 3);
        BlockMap parent = mapOf(content);
        byte[] grown = java.util.Arrays.copyOf(content, 1000 * BLOCK); // ten times as long: nine tenths are new
        assertThat(MostlyChanged.test(write("rel", grown), parent)).isTrue();
    }

    @Test
    void aSmallFileIsJudgedOnEveryBlockAndAMissingOneIsNot() throws IOException {
        byte[] content = random(10 * BLOCK + 123, 4); // fewer blocks than samples, the last one short
        BlockMap parent = mapOf(content);
        assertThat(MostlyChanged.test(write("small", content), parent)).isFalse();
        byte[] rewritten = random(content.length, 5);
        assertThat(MostlyChanged.test(write("small", rewritten), parent)).isTrue();
        assertThat(MostlyChanged.test(dir.resolve("gone"), parent)).isFalse();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static BlockMap mapOf(byte[] content) {
        BlockMap map = new BlockMap();
        map.addBlocks(content, content.length);
        return map;
    }

    private static void touchEvery(byte[] content, int nth) {
        for (int b = 0; b * BLOCK < content.length; b += nth) {
            content[b * BLOCK] ^= 1;
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
