package io.walden.restore;

import io.walden.error.CorruptObjectException;
import io.walden.repo.Manifest;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A manifest is repository content: one that names paths outside PGDATA is refused before anything is written there.
 * In place, nothing is written through a symlink.
 */
class PgdataWriterTest {

    @Test
    void pathsOutsidePgdataAreRefused(@TempDir Path dir) throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("pgdata"));
        Repository repository = new Repository(new LocalStorage(dir.resolve("repo")));
        for (String evil : List.of("../escaped", "/tmp/escaped-absolute", "base/../../escaped", "")) {
            Manifest m = with(List.of(), List.of(new Manifest.FileEntry(evil, 0, 0600, null, null, 0)));
            assertThatThrownBy(() -> writer(repository, m, pgdata).write())
                    .isInstanceOf(CorruptObjectException.class).hasMessageContaining("not a path inside PGDATA");
            Manifest d = with(List.of(new Manifest.DirEntry(evil.isEmpty() ? ".." : evil, 0700)), List.of());
            assertThatThrownBy(() -> writer(repository, d, pgdata).write()).isInstanceOf(CorruptObjectException.class);
        }
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(Path.of("/tmp/escaped-absolute")).doesNotExist();
        try (var left = Files.list(pgdata)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void inPlaceAFileThatDiffersIsWrittenOverButASymlinkOrAHardLinkIsReplacedAndWhatTheBackupLacksGoes(@TempDir Path dir) throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("pgdata"));
        Repository repository = new Repository(new LocalStorage(dir.resolve("repo")));
        byte[] big = new byte[20_000];
        new java.util.Random(1).nextBytes(big);
        byte[] linked = "what the backup has at base/1/link".getBytes(StandardCharsets.UTF_8);
        byte[] same = "unchanged".getBytes(StandardCharsets.UTF_8);
        String id = RestorePlannerTest.A.id();
        repository.write(ObjectKeys.backupData(id, "000001"), "", false, out -> {
            out.write(big);
            out.write(linked);
            out.write(same);
            out.write(big); // base/1/hard
        });
        Manifest m = with(List.of(new Manifest.DirEntry("base", 0700), new Manifest.DirEntry("base/1", 0700)), List.of(
                new Manifest.FileEntry("base/1/big", big.length, 0600, sha256(big), "000001", 0),
                new Manifest.FileEntry("base/1/link", linked.length, 0600, sha256(linked), "000001", big.length),
                new Manifest.FileEntry("base/1/same", same.length, 0600, sha256(same), "000001", big.length + linked.length),
                new Manifest.FileEntry("base/1/hard", big.length, 0600, sha256(big), "000001",
                        big.length + linked.length + same.length)));

        Path base = Files.createDirectories(pgdata.resolve("base/1"));
        byte[] longer = new byte[50_000];
        java.util.Arrays.fill(longer, (byte) 7);
        Files.write(base.resolve("big"), longer);
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not PGDATA's");
        Files.createSymbolicLink(base.resolve("link"), outside);
        Files.write(base.resolve("same"), same);
        Path snapshot = Files.write(dir.resolve("snapshot-of-hard"), longer);
        Files.createLink(base.resolve("hard"), snapshot); // PGDATA snapshotted with cp -al

        Files.write(base.resolve("dropped"), same); // of a relation dropped since the backup
        Files.write(Files.createDirectories(pgdata.resolve("base/9")).resolve("1"), same); // of a database created since

        PgdataWriter.Written written = new PgdataWriter(repository, m, new FileChains(x -> null), pgdata, 2, true, n -> { }).write();

        assertThat(written.kept()).isEqualTo(same.length);
        assertThat(written.removed()).as("what the backup does not have").isEqualTo(2);
        assertThat(base.resolve("dropped")).doesNotExist();
        assertThat(pgdata.resolve("base/9")).doesNotExist();
        assertThat(base.resolve("big")).hasBinaryContent(big);
        assertThat(Files.isSymbolicLink(base.resolve("link"))).isFalse();
        assertThat(base.resolve("link")).hasBinaryContent(linked);
        assertThat(outside).hasContent("not PGDATA's");
        assertThat(base.resolve("same")).hasBinaryContent(same);
        assertThat(base.resolve("hard")).hasBinaryContent(big);
        assertThat(snapshot).as("the other hard link keeps its content").hasBinaryContent(longer);
    }

    @Test
    void inPlaceALargeFileIsPatchedFrameByFrameButALinkedOneIsWrittenWhole(@TempDir Path dir) throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("pgdata"));
        Repository repository = new Repository(new LocalStorage(dir.resolve("repo")));
        byte[] big = new byte[3 * (4 << 20)]; // three frames and some
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < big.length; i += 8192) {
            big[i + r.nextInt(8192)] = (byte) r.nextInt();
        }
        String id = RestorePlannerTest.A.id();
        List<Manifest.FileEntry> files = new java.util.ArrayList<>();
        for (String name : List.of("plain", "hard", "link")) {
            String object = "00000" + (files.size() + 1);
            Repository.Written written = repository.withCodec(repository.codec().withWorkers(2))
                    .write(ObjectKeys.backupData(id, object), "", false, out -> out.write(big));
            io.walden.repo.BlockMap map = new io.walden.repo.BlockMap();
            map.addBlocks(big, big.length);
            map.write(repository, ObjectKeys.backupBlockMap(id, object), written.frames());
            files.add(new Manifest.FileEntry("base/1/" + name, big.length, 0600, sha256(big), object, 0, null, null, null, true));
        }
        Manifest m = with(List.of(new Manifest.DirEntry("base", 0700), new Manifest.DirEntry("base/1", 0700)), files);

        byte[] changed = big.clone();
        changed[(4 << 20) + 100] ^= 1; // one block of the second frame
        Path base = Files.createDirectories(pgdata.resolve("base/1"));
        Files.write(base.resolve("plain"), changed);
        Path snapshot = Files.write(dir.resolve("snapshot-of-hard"), changed);
        Files.createLink(base.resolve("hard"), snapshot);
        Path outside = Files.write(dir.resolve("outside"), changed);
        Files.createSymbolicLink(base.resolve("link"), outside);

        PgdataWriter.Written written = new PgdataWriter(repository, m, new FileChains(x -> null), pgdata, 2, true, n -> { }).write();

        for (String name : List.of("plain", "hard", "link")) {
            assertThat(base.resolve(name)).as(name).hasBinaryContent(big);
        }
        assertThat(Files.isSymbolicLink(base.resolve("link"))).isFalse();
        assertThat(snapshot).as("the other hard link keeps its content").hasBinaryContent(changed);
        assertThat(outside).hasBinaryContent(changed);
        assertThat(written.unchangedBlocks()).as("all of 'plain' but its changed block").isEqualTo(big.length - 8192L);
    }

    @Test
    void inPlacePgControlLeftUnderItsPendingNameByAnInterruptedRestoreIsWrittenAgain(@TempDir Path dir) throws Exception {
        Path pgdata = Files.createDirectories(dir.resolve("pgdata"));
        Repository repository = new Repository(new LocalStorage(dir.resolve("repo")));
        byte[] control = "the backup's pg_control".getBytes(StandardCharsets.UTF_8);
        String id = RestorePlannerTest.A.id();
        repository.write(ObjectKeys.backupData(id, "000001"), "", false, out -> out.write(control));
        Manifest m = with(List.of(new Manifest.DirEntry("global", 0700)),
                List.of(new Manifest.FileEntry("global/pg_control", control.length, 0600, sha256(control), "000001", 0)));
        Path global = Files.createDirectories(pgdata.resolve("global"));
        Files.write(global.resolve("pg_control.walden-restore"), control); // the content is right, the name is not

        PgdataWriter.Written written = new PgdataWriter(repository, m, new FileChains(x -> null), pgdata, 2, true, n -> { }).write();

        assertThat(global.resolve("pg_control")).hasBinaryContent(control);
        assertThat(global.resolve("pg_control.walden-restore")).doesNotExist();
        assertThat(written.kept()).isZero();
    }

    private static String sha256(byte[] b) {
        return java.util.HexFormat.of().formatHex(io.walden.codec.Digests.sha256().digest(b));
    }

    private static PgdataWriter writer(Repository repository, Manifest m, Path pgdata) {
        return new PgdataWriter(repository, m, new FileChains(id -> null), pgdata, 1, false, n -> { });
    }

    private static Manifest with(List<Manifest.DirEntry> dirs, List<Manifest.FileEntry> files) {
        Manifest m = RestorePlannerTest.A;
        return new Manifest(m.format(), m.id(), m.label(), m.startTime(), m.stopTime(), m.startLsn(), m.stopLsn(), m.timeline(),
                m.pgVersionNum(), m.systemIdentifier(), m.walSegmentSize(), m.startSegment(), m.stopSegment(), m.backupLabel(),
                m.tablespaceMap(), m.nextXidAtStop(), m.compression(), dirs, files, List.of(), 0, 0, m.waldenVersion(),
                Manifest.FULL, null);
    }
}
