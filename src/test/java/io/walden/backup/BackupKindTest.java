package io.walden.backup;

import io.walden.repo.Manifest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.walden.restore.RestorePlannerTest.backup;
import static io.walden.restore.RestorePlannerTest.incremental;
import static org.assertj.core.api.Assertions.assertThat;

class BackupKindTest {
    static final Manifest FULL = backup("F", 1, "0/2000028", "0/2000138", "10:01");
    static final Instant SOON = Instant.parse("2026-02-13T12:00:00Z");
    static final Duration WEEK = Duration.ofDays(7);

    @Test
    void autoBuildsOnTheNewestBackupUntilAFullIsDue() {
        Manifest i1 = incremental(backup("I1", 1, "0/4000028", "0/4000100", "11:01"), "F");
        var d = BackupKind.decide(BackupKind.Requested.AUTO, List.of(FULL, i1), SOON, WEEK, 10);
        assertThat(d.incremental()).isTrue();
        assertThat(d.parent().orElseThrow().id()).isEqualTo("I1");

        var late = BackupKind.decide(BackupKind.Requested.AUTO, List.of(FULL, i1), SOON.plus(Duration.ofDays(8)), WEEK, 10);
        assertThat(late.incremental()).isFalse();
        assertThat(late.reason()).contains("F").contains("--full-every");
        assertThat(BackupKind.decide(BackupKind.Requested.INCR, List.of(FULL, i1), SOON.plus(Duration.ofDays(8)), WEEK, 10)
                .incremental()).as("an explicit incr ignores the age").isTrue();
    }

    @Test
    void aFullChainOrNothingToBuildOnGivesAFullBackup() {
        Manifest i1 = incremental(backup("I1", 1, "0/4000028", "0/4000100", "11:01"), "F");
        Manifest i2 = incremental(backup("I2", 1, "0/5000028", "0/5000100", "11:31"), "I1");
        var capped = BackupKind.decide(BackupKind.Requested.INCR, List.of(FULL, i1, i2), SOON, WEEK, 2);
        assertThat(capped.incremental()).isFalse();
        assertThat(capped.reason()).contains("already has 2 incremental backups");
        assertThat(BackupKind.decide(BackupKind.Requested.INCR, List.of(), SOON, WEEK, 2).reason())
                .contains("no backup to build on");
        assertThat(BackupKind.decide(BackupKind.Requested.FULL, List.of(FULL), SOON, WEEK, 2).incremental()).isFalse();

        Manifest orphan = incremental(backup("O", 1, "0/5000028", "0/5000100", "11:31"), "GONE");
        assertThat(BackupKind.decide(BackupKind.Requested.AUTO, List.of(orphan), SOON, WEEK, 5).reason())
                .contains("depends on a backup that is gone");
    }
}
