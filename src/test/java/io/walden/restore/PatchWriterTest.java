package io.walden.restore;

import io.walden.repo.BlockRanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PatchWriterTest {
    private static final int BLOCK = BlockRanges.BLOCK_SIZE;

    @TempDir
    Path dir;

    @Test
    void onlyTheBlocksThatDifferAreWrittenAndTheResultIsTheWantedContent() throws IOException {
        byte[] now = random(100 * BLOCK + 100, 1);
        byte[] wanted = Arrays.copyOf(now, 102 * BLOCK); // two blocks longer
        for (int b : new int[] {3, 4, 50}) {
            wanted[b * BLOCK + 17] ^= 1;
        }
        Arrays.fill(wanted, 100 * BLOCK, wanted.length, (byte) 9);
        Path file = Files.write(dir.resolve("rel"), now);

        long unchanged = patch(file, wanted, 16 * BLOCK, 16 * BLOCK);

        assertThat(file).hasBinaryContent(wanted);
        assertThat(unchanged).as("97 blocks held the wanted bytes already").isEqualTo(97L * BLOCK);
    }

    @Test
    void chunksThatDoNotFallOnBlocksAndAFileThatWasLongerComeOutRight() throws IOException {
        byte[] now = random(40 * BLOCK, 2);
        byte[] wanted = Arrays.copyOf(now, 30 * BLOCK + 5); // shorter: the caller truncates
        wanted[7 * BLOCK] ^= 1;
        wanted[30 * BLOCK + 4] ^= 1;
        Path file = Files.write(dir.resolve("rel"), now);

        patch(file, wanted, 64 * 1024, 10_000); // chunks of 10,000 bytes, blocks of 8,192

        assertThat(file).hasBinaryContent(wanted);
    }

    @Test
    void anEmptyFileGetsEverything() throws IOException {
        byte[] wanted = random(5 * BLOCK + 3, 3);
        Path file = Files.write(dir.resolve("rel"), new byte[0]);
        assertThat(patch(file, wanted, 4 * BLOCK, 4 * BLOCK)).isZero();
        assertThat(file).hasBinaryContent(wanted);
    }

    /** Feeds {@code wanted} in chunks of {@code chunk} bytes, truncates as the restore does; returns the bytes left alone. */
    private static long patch(Path file, byte[] wanted, int bufferSize, int chunk) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            PatchWriter writer = new PatchWriter(ch, bufferSize);
            for (int off = 0; off < wanted.length; off += chunk) {
                int n = Math.min(chunk, wanted.length - off);
                writer.write(Arrays.copyOfRange(wanted, off, off + n), n);
            }
            if (ch.size() > wanted.length) {
                ch.truncate(wanted.length);
            }
            return writer.unchanged();
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
