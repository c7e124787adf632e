package io.walden.ops;

import io.walden.error.UsageException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.walden.restore.RestorePlannerTest.backup;
import static io.walden.restore.RestorePlannerTest.incremental;
import static io.walden.restore.RestorePlannerTest.segments2to7;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPlannerTest {
    static final Manifest A = backup("A", 1, "0/2000028", "0/2000138", "10:01");
    static final Manifest B = backup("B", 1, "0/4000028", "0/4000100", "11:01");
    static final Manifest C = backup("C", 1, "0/5000028", "0/5000100", "12:01");
    static final Instant NOW = Instant.parse("2026-02-13T13:00:00Z");

    private static RetentionPlanner.Policy retain(int n) {
        return new RetentionPlanner.Policy(Optional.of(n), Optional.empty(), Optional.empty());
    }

    private static List<String> names(List<ArchivedWal> wal) {
        return wal.stream().map(w -> w.file().name()).toList();
    }

    @Test
    void retainFullDeletesTheOldestAndTheWalBelowTheOldestKeptBackup() {
        var plan = RetentionPlanner.plan(List.of(A, B, C), segments2to7(), Set.of(), retain(2), NOW);
        assertThat(plan.deleted()).containsExactly(A);
        assertThat(names(plan.walToDelete())).containsExactly("000000010000000000000002",
                "000000010000000000000002.00000028.backup", "000000010000000000000003");
    }

    @Test
    void theNewestBackupAndPinnedOnesAlwaysStay() {
        var plan = RetentionPlanner.plan(List.of(A, B, C), segments2to7(), Set.of("A"),
                new RetentionPlanner.Policy(Optional.empty(), Optional.of(NOW), Optional.empty()), NOW);
        assertThat(plan.deleted()).containsExactly(B);
        assertThat(plan.backups().get(0).reason()).startsWith("pinned");
        assertThat(plan.backups().get(2).reason()).isEqualTo("newest backup");
        assertThat(plan.walToDelete()).as("A is kept, so all its WAL stays").isEmpty();
    }

    @Test
    void olderThanKeepsTheBackupThatServesTheHorizon() {
        // horizon 11:30: B (ended 11:01) serves it; A is older than needed
        var plan = RetentionPlanner.plan(List.of(A, B, C), segments2to7(), Set.of(),
                new RetentionPlanner.Policy(Optional.empty(), Optional.empty(), Optional.of(Duration.ofMinutes(90))), NOW);
        assertThat(plan.deleted()).containsExactly(A);
        assertThat(plan.backups().get(1).reason()).isEqualTo("needed to restore to any time in the last 90 minutes");
    }

    @Test
    void severalRulesKeepWhatAnyOfThemKeeps() {
        var plan = RetentionPlanner.plan(List.of(A, B, C), segments2to7(), Set.of(),
                new RetentionPlanner.Policy(Optional.of(1), Optional.empty(), Optional.of(Duration.ofDays(1))), NOW);
        assertThat(plan.deleted()).isEmpty();
    }

    @Test
    void aPolicyNeedsARule() {
        assertThatThrownBy(() -> new RetentionPlanner.Policy(Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(UsageException.class).hasMessage("no retention rule given");
        assertThatThrownBy(() -> retain(0)).hasMessage("--retain-full must be at least 1");
    }

    @Test
    void retainFullCountsFullBackupsAndKeepsWhatIncrementalOnesBuildOn() {
        // A full, B incremental on A, C full, D incremental on C
        Manifest b = incremental(B, "A");
        Manifest d = incremental(backup("D", 1, "0/6000028", "0/6000100", "12:31"), "C");
        var plan = RetentionPlanner.plan(List.of(A, b, C, d), segments2to7(), Set.of(), retain(1), NOW);
        assertThat(plan.deleted()).containsExactly(A, b);
        assertThat(plan.backups().get(2).reason()).isEqualTo("one of the newest 1 full backups");
        assertThat(plan.backups().get(3).reason()).isEqualTo("newest backup");

        // a kept incremental backup keeps its whole chain, whatever the rules say of its parents
        Manifest c2 = incremental(C, "B");
        var chain = RetentionPlanner.plan(List.of(A, b, c2, d), segments2to7(), Set.of(),
                new RetentionPlanner.Policy(Optional.empty(), Optional.of(Instant.parse("2026-02-13T12:00:00Z")), Optional.empty()), NOW);
        assertThat(chain.deleted()).isEmpty();
        assertThat(chain.backups().get(0).reason()).isEqualTo("incremental backup B builds on it");
        assertThat(chain.backups().get(1).reason()).isEqualTo("incremental backup C builds on it");
    }
}
