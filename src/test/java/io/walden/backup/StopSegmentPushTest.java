package io.walden.backup;

import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import io.walden.wal.SegmentName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When the backup must leave its last segment to archive_command; pushing it is covered by BackupWalIT. */
class StopSegmentPushTest {
    private static final long SIZE = 16L << 20;
    private static final SegmentName LAST = new SegmentName(1, 5, SIZE);

    @TempDir
    Path dir;
    Path pgWal;
    Path repo;
    StopSegmentPush push;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        pgWal = Files.createDirectories(dir.resolve("pg_wal/archive_status")).getParent();
        repo = dir.resolve("repo");
        push = new StopSegmentPush(new Repository(new LocalStorage(repo)), pgWal);
    }

    @Test
    void aSegmentPostgresqlHasNotFinishedIsLeftToArchiveCommand() throws IOException {
        Files.write(pgWal.resolve(LAST.name()), new byte[8192]);

        assertThat(push.tryPush(LAST, s -> true, warnings::add)).isEqualTo(StopSegmentPush.Outcome.NOT_NOW);
        assertThat(warnings).isEmpty();
        assertThat(repo).doesNotExist();
    }

    @Test
    void withoutTheSegmentBeforeItInTheRepositoryArchivingIsNotShownToWork() throws IOException {
        Files.write(pgWal.resolve(LAST.name()), new byte[8192]);
        Files.createFile(pgWal.resolve("archive_status/" + LAST.name() + ".ready"));
        List<SegmentName> asked = new ArrayList<>();

        StopSegmentPush.Outcome outcome = push.tryPush(LAST, s -> {
            asked.add(s);
            return false;
        }, warnings::add);

        assertThat(outcome).isEqualTo(StopSegmentPush.Outcome.NOT_NOW);
        assertThat(asked).containsExactly(new SegmentName(1, 4, SIZE));
        assertThat(warnings).isEmpty();
        assertThat(repo).doesNotExist();
    }

    @Test
    void aPushThatFailsIsToldAndLeftToArchiveCommand() throws IOException {
        Files.write(pgWal.resolve(LAST.name()), new byte[8192]); // not a WAL segment: no page header
        Files.createFile(pgWal.resolve("archive_status/" + LAST.name() + ".done"));

        assertThat(push.tryPush(LAST, s -> true, warnings::add)).isEqualTo(StopSegmentPush.Outcome.FAILED);
        assertThat(warnings).singleElement().asString()
                .startsWith("the backup could not store WAL segment " + LAST.name() + " itself (")
                .endsWith("); waiting for archive_command to store it");
    }
}
