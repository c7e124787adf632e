package io.walden.restore;

import io.walden.error.CorruptObjectException;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A manifest is repository content: one that names paths outside PGDATA is refused before anything is written there. */
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
