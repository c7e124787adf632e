package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class RestorePlannerTest {
    private static final long SEG = 16L * 1024 * 1024;
    private static final String REPO = "/var/lib/walden/main";
    private static final IntFunction<TimelineHistory> ROOTS = TimelineHistory::root;

    static Instant at(String hhmm) {
        return Instant.parse("2026-02-13T" + hhmm + ":00Z");
    }

    public static Manifest backup(String id, int tli, String startLsn, String stopLsn, String stopTime) {
        Lsn start = Lsn.parse(startLsn);
        Lsn stop = Lsn.parse(stopLsn);
        return new Manifest(Manifest.FORMAT, id, "walden " + id, at(stopTime).minusSeconds(60), at(stopTime), start, stop, tli,
                150004, "7301234567890123456", SEG, SegmentName.of(tli, start, SEG).name(),
                SegmentName.of(tli, stop, SEG).name(), "START WAL LOCATION: " + startLsn + "\n", null, 1000L, "zstd",
                List.of(), List.of(), List.of(), 1L, 1L, "test", Manifest.FULL, null);
    }

    /** The same backup, as an incremental one built on {@code parent}. */
    public static Manifest incremental(Manifest m, String parent) {
        return new Manifest(m.format(), m.id(), m.label(), m.startTime(), m.stopTime(), m.startLsn(), m.stopLsn(), m.timeline(),
                m.pgVersionNum(), m.systemIdentifier(), m.walSegmentSize(), m.startSegment(), m.stopSegment(), m.backupLabel(),
                m.tablespaceMap(), m.nextXidAtStop(), m.compression(), m.directories(), m.files(), m.objects(), m.originalSize(),
                m.storedSize(), m.waldenVersion(), Manifest.INCREMENTAL, parent);
    }

    static ArchivedWal wal(String name, String archivedAt) {
        WalFileName f = WalFileName.parse(name).orElseThrow();
        return new ArchivedWal(f, "wal/" + name, 1000, at(archivedAt));
    }

    /** Timeline 1: backup A in segment 2 (10:01), B in segment 5 (12:01); segments 2..7 archived, the last at 13:00. */
    static final Manifest A = backup("A", 1, "0/2000028", "0/2000138", "10:01");
    static final Manifest B = backup("B", 1, "0/5000028", "0/5000100", "12:01");

    public static List<ArchivedWal> segments2to7() {
        return new ArrayList<>(List.of(
                wal("000000010000000000000002", "10:05"),
                wal("000000010000000000000002.00000028.backup", "10:05"),
                wal("000000010000000000000003", "10:30"),
                wal("000000010000000000000004", "11:00"),
                wal("000000010000000000000005", "12:05"),
                wal("000000010000000000000006", "12:30"),
                wal("000000010000000000000007", "13:00")));
    }

    static RestorePlanner planner(List<Manifest> backups, List<ArchivedWal> wal) {
        return new RestorePlanner(backups, wal, ROOTS, REPO);
    }

    static RestorePlan planTime(RestorePlanner p, String hhmm) {
        return p.plan(new RecoveryTarget.Time(at(hhmm)), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void choosesTheNewestBackupEndingBeforeATime() {
        RestorePlanner p = planner(List.of(B, A), segments2to7());
        RestorePlan plan = planTime(p, "11:30");
        assertThat(plan.backup().id()).isEqualTo("A");
        assertThat(plan.timeline()).isEqualTo(1);
        assertThat(plan.window()).isEqualTo(new RecoverableWindow(at("10:01"), at("13:00"), Lsn.parse("0/2000138"),
                Lsn.parse("0/8000000"), 1));
        assertThat(planTime(p, "12:30").backup().id()).isEqualTo("B");
        assertThat(planTime(p, "12:01").backup().id()).isEqualTo("B");
        assertThat(planTime(p, "12:00").backup().id()).isEqualTo("A");
        assertThat(planTime(p, "10:01").backup().id()).isEqualTo("A");
        assertThat(planTime(p, "13:00").backup().id()).isEqualTo("B");
        assertThat(planTime(p, "13:00").window().describe())
                .isEqualTo("2026-02-13 10:01:00.000 UTC to 2026-02-13 13:00:00.000 UTC (timeline 1)");
    }

    @Test
    void refusesATimeBeforeTheFirstBackupEnds() {
        RestorePlanner p = planner(List.of(A, B), segments2to7());
        assertThatThrownBy(() -> planTime(p, "10:00"))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the target time 2026-02-13 10:00:00.000 UTC is outside the recoverable window "
                        + "2026-02-13 10:01:00.000 UTC to 2026-02-13 13:00:00.000 UTC (timeline 1)")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("choose a time within it; 'walden list' shows the backups"));
    }

    @Test
    void refusesATimeAfterTheLastArchivedSegment() {
        RestorePlanner p = planner(List.of(A, B), segments2to7());
        assertThatThrownBy(() -> planTime(p, "13:01"))
                .isInstanceOf(WaldenException.class)
                .hasMessageContaining("outside the recoverable window")
                .hasMessage("the target time 2026-02-13 13:01:00.000 UTC is outside the recoverable window "
                        + "2026-02-13 10:01:00.000 UTC to 2026-02-13 13:00:00.000 UTC (timeline 1)");
    }

    @Test
    void aGapAfterTheBackupShortensTheWindow() {
        List<ArchivedWal> wal = segments2to7();
        wal.removeIf(w -> w.file().name().equals("000000010000000000000006"));
        RestorePlanner p = planner(List.of(A, B), wal);
        RestorePlan plan = planTime(p, "12:05");
        assertThat(plan.backup().id()).isEqualTo("B");
        assertThat(plan.window().to()).isEqualTo(at("12:05"));
        assertThat(plan.window().toLsn()).isEqualTo(Lsn.parse("0/6000000"));
        assertThatThrownBy(() -> planTime(p, "12:30"))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the target time 2026-02-13 12:30:00.000 UTC is outside the recoverable window "
                        + "2026-02-13 10:01:00.000 UTC to 2026-02-13 12:05:00.000 UTC (timeline 1)");
    }

    @Test
    void detectsTheMissingStartSegmentOfTheChosenBackup() {
        List<ArchivedWal> wal = segments2to7();
        wal.removeIf(w -> w.file().name().equals("000000010000000000000005"));
        RestorePlanner p = planner(List.of(A, B), wal);
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("WAL segment 000000010000000000000005 that backup B needs is missing from the repository at " + REPO)
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("this backup cannot be restored; choose another with --backup, and take a new backup"));
        // the older backup still works up to the gap
        RestorePlan older = p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.of("A"), Optional.empty());
        assertThat(older.backup().id()).isEqualTo("A");
        assertThat(older.window().toLsn()).isEqualTo(Lsn.parse("0/5000000"));
    }

    @Test
    void detectsAMissingSegmentInsideTheBackup() {
        Manifest spanning = backup("S", 1, "0/3000028", "0/5000100", "12:01");
        List<ArchivedWal> wal = segments2to7();
        wal.removeIf(w -> w.file().name().equals("000000010000000000000004"));
        RestorePlanner p = planner(List.of(spanning), wal);
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Immediate(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("WAL segment 000000010000000000000004 that backup S needs is missing from the repository at " + REPO);
    }

    @Test
    void choosesByLsn() {
        RestorePlanner p = planner(List.of(A, B), segments2to7());
        assertThat(planLsn(p, "0/4000000").backup().id()).isEqualTo("A");
        assertThat(planLsn(p, "0/50000FF").backup().id()).isEqualTo("A");
        assertThat(planLsn(p, "0/5000100").backup().id()).isEqualTo("B");
        assertThat(planLsn(p, "0/7FFFFFF").backup().id()).isEqualTo("B");
        assertThat(planLsn(p, "0/8000000").backup().id()).isEqualTo("B");
        assertThatThrownBy(() -> planLsn(p, "0/8000001"))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the target LSN 0/8000001 is outside the recoverable range 0/2000138 to 0/8000000 "
                        + "(2026-02-13 10:01:00.000 UTC to 2026-02-13 13:00:00.000 UTC (timeline 1))")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("choose an LSN in that range; 'walden list' shows each backup's stop LSN"));
        assertThatThrownBy(() -> planLsn(p, "0/2000000"))
                .isInstanceOf(WaldenException.class)
                .hasMessageStartingWith("the target LSN 0/2000000 is outside the recoverable range 0/2000138 to 0/8000000");
    }

    static RestorePlan planLsn(RestorePlanner p, String lsn) {
        return p.plan(new RecoveryTarget.AtLsn(Lsn.parse(lsn)), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void anExplicitBackupEndingAfterTheTargetIsRefused() {
        RestorePlanner p = planner(List.of(A, B), segments2to7());
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Time(at("11:30")), Optional.empty(), Optional.of("B"), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("backup B ends at 2026-02-13 12:01:00.000 UTC, after the target 2026-02-13 11:30:00.000 UTC")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("choose an older backup with --backup, or leave --backup out to let walden choose"));
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.AtLsn(Lsn.parse("0/4000000")), Optional.empty(), Optional.of("B"),
                Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("backup B ends at 0/5000100, after the target 0/4000000");
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.of("Z"), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("no backup Z in the repository at " + REPO)
                .satisfies(t -> assertThat(((WaldenException) t).hint()).isEqualTo("run 'walden list' to see the backups"));
    }

    @Test
    void namedRestorePoints() {
        RestorePlanner p = planner(List.of(A, B), segments2to7());
        RestorePlan plan = p.plan(new RecoveryTarget.Name("before_migration"), Optional.empty(), Optional.empty(),
                Optional.of(Lsn.parse("0/4000100")));
        assertThat(plan.backup().id()).isEqualTo("A");
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Name("nope"), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("no restore point named 'nope' in the archived WAL of the repository at " + REPO)
                .satisfies(t -> assertThat(((WaldenException) t).hint()).isEqualTo(
                        "the archived WAL holds no restore points; SELECT pg_create_restore_point('name') creates one"));
    }

    private static io.walden.wal.decode.SegmentSummary summary(String name, java.time.Instant lastCommit, String... points) {
        java.util.List<io.walden.wal.decode.RestorePoint> rps = new java.util.ArrayList<>();
        for (String p : points) {
            rps.add(new io.walden.wal.decode.RestorePoint(Lsn.parse("0/4000100"), Lsn.parse("0/4000200"), lastCommit, p));
        }
        return new io.walden.wal.decode.SegmentSummary(15, "1", 16L << 20, 1, Lsn.parse("0/2000000"), 10, null, null, null,
                lastCommit, lastCommit, 1, 0, rps, 0, false, true, null, null);
    }

    @Test
    void withDecodedWalTheWindowEndsAtTheLastArchivedCommitAndUnknownNamesListTheKnownOnes() {
        java.time.Instant lastCommit = java.time.Instant.parse("2026-02-13T12:34:56.789Z");
        var summaries = java.util.Map.of(
                "000000010000000000000006", summary("6", lastCommit.minusSeconds(60), "before_migration"),
                "000000010000000000000007", summary("7", lastCommit, "after_batch"));
        RestorePlanner p = new RestorePlanner(List.of(A, B), segments2to7(), summaries, ROOTS, REPO);
        RestorePlan plan = p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(plan.window().to()).isEqualTo(lastCommit);
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Time(lastCommit.plusMillis(1)), Optional.empty(), Optional.empty(), Optional.empty()))
                .hasMessageContaining("is outside the recoverable window").hasMessageContaining("12:34:56.789 UTC");
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Name("nope"), Optional.empty(), Optional.empty(), Optional.empty()))
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("known restore points: after_batch, before_migration; SELECT pg_create_restore_point('name') creates one"));
    }

    @Test
    void noBackups() {
        RestorePlanner p = planner(List.of(), segments2to7());
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("the repository at " + REPO + " has no backups")
                .satisfies(t -> assertThat(((WaldenException) t).hint()).isEqualTo("take one with 'walden backup'"));
    }

    // ---- timelines ---------------------------------------------------------------------------------

    /**
     * Timeline 2 branched from timeline 1 at 0/6000100 (inside segment 6). A (tli 1, 0/2000138) precedes the
     * switch; C (tli 1, 0/7000100, the old primary kept writing) follows it; D is on timeline 2.
     */
    static final Manifest C = backup("C", 1, "0/7000028", "0/7000100", "13:30");
    static final Manifest D = backup("D", 2, "0/8000028", "0/8000100", "15:01");
    static final IntFunction<TimelineHistory> LINEAGE = tli -> tli == 2
            ? TimelineHistory.parse(2, "1\t0/6000100\tno recovery target specified\n")
            : TimelineHistory.root(tli);

    static List<ArchivedWal> twoTimelines() {
        return List.of(
                wal("000000010000000000000002", "10:05"),
                wal("000000010000000000000003", "10:30"),
                wal("000000010000000000000004", "11:00"),
                wal("000000010000000000000005", "12:05"),
                wal("000000010000000000000006", "14:30"),
                wal("000000010000000000000007", "14:40"),
                wal("00000002.history", "13:00"),
                wal("000000010000000000000006.partial", "13:00"),
                wal("000000020000000000000006", "13:05"),
                wal("000000020000000000000007", "14:00"),
                wal("000000020000000000000008", "15:10"),
                wal("000000020000000000000009", "15:20"));
    }

    @Test
    void latestTimeline() {
        assertThat(new RestorePlanner(List.of(A, C, D), twoTimelines(), LINEAGE, REPO).latestTimeline()).isEqualTo(2);
        assertThat(new RestorePlanner(List.of(A), segments2to7(), ROOTS, REPO).latestTimeline()).isEqualTo(1);
        assertThat(new RestorePlanner(List.of(), List.of(), ROOTS, REPO).latestTimeline()).isEqualTo(1);
        assertThat(new RestorePlanner(List.of(A), List.of(wal("00000003.history", "10:00")), ROOTS, REPO).latestTimeline())
                .isEqualTo(3);
        assertThat(new RestorePlanner(List.of(A, backup("E", 4, "0/9000028", "0/9000100", "16:00")), List.of(), ROOTS, REPO)
                .latestTimeline()).isEqualTo(4);
    }

    @Test
    void aBackupBeforeTheSwitchServesTheNewTimelineAndOneAfterItDoesNot() {
        RestorePlanner p = new RestorePlanner(List.of(A, C, D), twoTimelines(), LINEAGE, REPO);
        // 14:00 is after C ended, yet C is on timeline 1 past the switch: A must be chosen for timeline 2.
        RestorePlan plan = p.plan(new RecoveryTarget.Time(at("14:00")), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(plan.backup().id()).isEqualTo("A");
        assertThat(plan.timeline()).isEqualTo(2);
        assertThat(plan.window()).isEqualTo(new RecoverableWindow(at("10:01"), at("15:20"), Lsn.parse("0/2000138"),
                Lsn.parse("0/A000000"), 2));

        // along timeline 1 C is the right one
        RestorePlan onOne = p.plan(new RecoveryTarget.Time(at("14:00")), Optional.of(1), Optional.empty(), Optional.empty());
        assertThat(onOne.backup().id()).isEqualTo("C");
        assertThat(onOne.window().toLsn()).isEqualTo(Lsn.parse("0/8000000"));
        assertThat(onOne.window().timeline()).isEqualTo(1);

        assertThat(p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.empty(), Optional.empty()).backup().id())
                .isEqualTo("D");

        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.of("C"), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("backup C (timeline 1) does not lead to timeline 2")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("choose a backup on timeline 2's history, or pass --target-timeline 1"));
    }

    @Test
    void recoveryAlongTheNewTimelineReadsTheNewTimelinesCopyOfTheSwitchSegment() {
        // Without 000000020000000000000006 the lineage breaks at the switch, even though tli 1 has segment 6.
        List<ArchivedWal> wal = new ArrayList<>(twoTimelines());
        wal.removeIf(w -> w.file().name().equals("000000020000000000000006"));
        RestorePlanner p = new RestorePlanner(List.of(A, C, D), wal, LINEAGE, REPO);
        RestorePlan plan = p.plan(new RecoveryTarget.Time(at("11:00")), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(plan.backup().id()).isEqualTo("A");
        assertThat(plan.window().toLsn()).isEqualTo(Lsn.parse("0/6000000"));
        assertThat(plan.window().to()).isEqualTo(at("12:05"));
    }

    @Test
    void noBackupLeadsToAnUnknownTimeline() {
        RestorePlanner p = new RestorePlanner(List.of(A, C, D), twoTimelines(), LINEAGE, REPO);
        assertThatThrownBy(() -> p.plan(new RecoveryTarget.Latest(), Optional.of(3), Optional.empty(), Optional.empty()))
                .isInstanceOf(WaldenException.class)
                .hasMessage("no backup in the repository leads to timeline 3")
                .satisfies(t -> assertThat(((WaldenException) t).hint())
                        .isEqualTo("choose another timeline with --target-timeline, or take a new backup"));
    }
}
