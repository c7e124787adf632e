package io.walden.restore;

import io.walden.codec.FrameBuffers;
import io.walden.codec.FrameIndex;
import io.walden.error.CorruptObjectException;
import io.walden.repo.BlockMap;
import io.walden.repo.BlockRanges;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import io.walden.storage.s3.S3TestEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** In place, a file whose object is in frames gets back only the frames that differ, and only their differing blocks. */
class FramePatcherTest {
    private static final int BLOCK = BlockRanges.BLOCK_SIZE;
    private static final String KEY = "backups/20260213T150000Z/data/000001";

    @TempDir
    Path dir;

    private record Stored(Repository repository, byte[] content, BlockMap map, FrameIndex frames, FileEntry file) {}

    private Stored store() throws IOException {
        return store(new Repository(new LocalStorage(dir.resolve("repo"))));
    }

    private Stored store(Repository repository) throws IOException {
        int frameSize = FrameBuffers.SIZE - (32 << 10);
        byte[] content = new byte[3 * frameSize + 5 * BLOCK];
        Random r = new Random(3);
        for (int i = 0; i < content.length; i += BLOCK) {
            byte[] half = new byte[BLOCK / 2];
            r.nextBytes(half);
            System.arraycopy(half, 0, content, i, half.length);
        }
        Repository.Written written = repository.withCodec(repository.codec().withWorkers(2))
                .write(KEY, "{\"type\":\"backup-data\"}", false, out -> out.write(content));
        BlockMap map = new BlockMap();
        map.addBlocks(content, content.length);
        FrameIndex frames = written.frames().orElseThrow();
        assertThat(frames.frameSize()).isEqualTo(frameSize);
        FileEntry file = new FileEntry("base/5/16384", content.length, 0600, written.trailer().sha256Hex(), "000001", 0);
        return new Stored(repository, content, map, frames, file);
    }

    private static boolean[] differing(Stored s, Path target) throws IOException {
        boolean[] differs = new boolean[s.frames().frames()];
        s.map().compareFrames(target, new byte[1 << 20], 0, s.map().count(), s.frames().frameSize() / BLOCK, differs);
        return differs;
    }

    private static FramePatcher.Patched patch(Stored s, Path target, boolean[] differs, AtomicLong progress) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new FramePatcher(s.repository(), 2, progress::addAndGet).patch(KEY, s.repository().header(KEY), s.file(),
                    s.map(), s.frames(), differs, out);
        }
    }

    /** On S3 each frame is a ranged GET: the real server must answer exactly the range the index names. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void onlyTheFramesThatDifferAreFetchedAndOnlyTheirDifferingBlocksWritten(String where) throws IOException {
        try (Repository repository = where.equals("s3")
                ? new Repository(S3TestEndpoint.shared().storage("frames-" + System.nanoTime()))
                : new Repository(new LocalStorage(dir.resolve("repo")))) {
            patchesOnlyWhatDiffers(store(repository));
        }
    }

    private void patchesOnlyWhatDiffers(Stored s) throws IOException {
        assertThat(FramePatcher.describe(s.frames(), s.map(), s.file())).isTrue();
        Path target = dir.resolve("16384");
        byte[] now = Arrays.copyOf(s.content(), s.content().length + 3 * BLOCK); // longer: rows added since
        int frameSize = s.frames().frameSize();
        now[frameSize + 10 * BLOCK + 5] ^= 1; // two blocks of frame 1
        now[frameSize + 11 * BLOCK + 5] ^= 1;
        Files.write(target, now);

        boolean[] differs = differing(s, target);
        assertThat(differs).containsExactly(false, true, false, false);
        AtomicLong progress = new AtomicLong();
        FramePatcher.Patched patched = patch(s, target, differs, progress);

        assertThat(Files.readAllBytes(target)).isEqualTo(s.content());
        assertThat(patched.framesRead()).isEqualTo(1);
        assertThat(patched.unchanged()).isEqualTo(s.content().length - 2L * BLOCK);
        assertThat(progress.get()).isEqualTo(s.content().length);
    }

    @Test
    void aShorterFileGetsItsMissingFramesAndADamagedFrameIsRefused() throws IOException {
        Stored s = store();
        Path target = dir.resolve("16384");
        Files.write(target, Arrays.copyOf(s.content(), s.frames().frameSize() + 7 * BLOCK));
        boolean[] differs = differing(s, target);
        assertThat(differs).containsExactly(false, true, true, true);
        assertThat(patch(s, target, differs, new AtomicLong()).framesRead()).isEqualTo(3);
        assertThat(Files.readAllBytes(target)).isEqualTo(s.content());

        // a stored byte of frame 2 flipped: its checksum, or the block map, catches it
        Path object = dir.resolve("repo").resolve(KEY);
        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
            long at = s.frames().storedStart(2) + s.frames().storedLength(2) / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        byte[] changed = s.content().clone();
        changed[2 * s.frames().frameSize() + 3] ^= 1;
        Files.write(target, changed);
        assertThatThrownBy(() -> patch(s, target, differing(s, target), new AtomicLong()))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining(KEY);
    }
}
