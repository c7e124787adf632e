package io.walden.ops;

import io.walden.ops.HealthCheck.Finding;
import io.walden.ops.HealthCheck.Status;
import io.walden.ops.HealthCheck.Thresholds;
import io.walden.ops.HealthProbe.Archiver;
import io.walden.ops.HealthProbe.RepositoryState;
import io.walden.ops.HealthProbe.ServerState;
import io.walden.ops.HealthProbe.Space;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthCheckTest {
    private static final Instant NOW = Instant.parse("2026-02-13T12:00:00Z");
    private static final String REPO = "/backups/main";
    private static final String PUSH = "walden --repo /backups/main wal-push %p";
    private static final Thresholds LIMITS = Thresholds.defaults();
    private static final long GB = 1024L * 1024 * 1024;

    private static RepositoryState.Readable repo(Duration backupAge, Duration walAge) {
        return new RepositoryState.Readable(REPO, 3, "20260212T020000Z", NOW.minus(backupAge),
                "00000001000000000000002A", NOW.minus(walAge));
    }

    private static Archiver archiverOk() {
        return new Archiver(42, "00000001000000000000002A", NOW.minusSeconds(30), 0, null, null);
    }

    private static ServerState.Reachable server(String walLevel, String archiveMode, String archiveCommand, Duration timeout, Archiver a) {
        return new ServerState.Reachable("127.0.0.1:5432 as postgres", "16.4", false, walLevel, archiveMode, archiveCommand, "", timeout, a);
    }

    private static ServerState.Reachable healthyServer() {
        return server("replica", "on", "/opt/walden/bin/walden --repo /backups/main wal-push %p", Duration.ofSeconds(60), archiverOk());
    }

    private static HealthProbe.Facts facts(RepositoryState r, Space space, ServerState s) {
        return new HealthProbe.Facts(r, space, s, PUSH);
    }

    private static Space usage(int percent) {
        return new Space.Measured(100 * GB, percent * GB, (100 - percent) * GB);
    }

    private static Finding only(HealthCheck.Report report, String what) {
        return report.findings().stream().filter(f -> f.what().equals(what)).findFirst().orElseThrow();
    }

    @Test
    void allHealthyIsOkWithExitCodeZero() {
        HealthCheck.Report r = HealthCheck.evaluate(facts(repo(Duration.ofHours(5), Duration.ofMinutes(2)), usage(40), healthyServer()), LIMITS, NOW);
        assertThat(r.findings()).extracting(Finding::what).containsExactly("backup", "wal", "repository space", "server", "wal_level",
                "archive_mode", "archive_command", "archiver", "archive_timeout");
        assertThat(r.findings()).allMatch(f -> f.status() == Status.OK && f.action() == null);
        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.exitCode()).isZero();
        assertThat(only(r, "backup").detail()).isEqualTo("latest 20260212T020000Z ended 2026-02-13 07:00:00.000 UTC, 5 h ago (3 backups)");
        assertThat(only(r, "wal").detail()).isEqualTo("newest 00000001000000000000002A arrived 2026-02-13 11:58:00.000 UTC, 2 min ago");
        assertThat(only(r, "repository space").detail()).isEqualTo("40% of 100 GB used on the filesystem holding /backups/main");
    }

    @Test
    void aBackupOlderThanTheLimitIsCritical() {
        Finding f = HealthCheck.backup(repo(Duration.ofHours(49), Duration.ZERO), LIMITS, NOW);
        assertThat(f.status()).isEqualTo(Status.CRITICAL);
        assertThat(f.detail()).endsWith("2 d 1 h ago (3 backups), older than 2 d");
        assertThat(f.action()).startsWith("take one: walden --repo /backups/main backup --pgdata PGDATA");
        assertThat(HealthCheck.backup(repo(Duration.ofHours(47), Duration.ZERO), LIMITS, NOW).status()).isEqualTo(Status.OK);
    }

    @Test
    void noBackupAtAllIsCritical() {
        var empty = new RepositoryState.Readable(REPO, 0, null, null, "00000001000000000000002A", NOW);
        Finding f = HealthCheck.backup(empty, LIMITS, NOW);
        assertThat(f).isEqualTo(new Finding(Status.CRITICAL, "backup", "no backup in the repository at /backups/main",
                "take one: walden --repo /backups/main backup --pgdata PGDATA"));
    }

    @Test
    void staleWalIsAWarningAndNoWalIsCritical() {
        Finding stale = HealthCheck.wal(repo(Duration.ZERO, Duration.ofMinutes(31)), LIMITS, NOW);
        assertThat(stale.status()).isEqualTo(Status.WARNING);
        assertThat(stale.detail()).endsWith(", 31 min ago, older than 30 min");
        assertThat(stale.action()).contains("archive_timeout");
        assertThat(HealthCheck.wal(repo(Duration.ZERO, Duration.ofMinutes(29)), LIMITS, NOW).status()).isEqualTo(Status.OK);

        var none = new RepositoryState.Readable(REPO, 0, null, null, null, null);
        assertThat(HealthCheck.wal(none, LIMITS, NOW).status()).isEqualTo(Status.CRITICAL);
    }

    @Test
    void anUnreadableRepositoryIsCriticalWithItsHint() {
        var r = HealthCheck.evaluate(facts(new RepositoryState.Unreadable(REPO, "no walden repository at /backups/main", "check --repo"),
                usage(10), healthyServer()), LIMITS, NOW);
        assertThat(r.findings().get(0)).isEqualTo(new Finding(Status.CRITICAL, "repository", "no walden repository at /backups/main", "check --repo"));
        assertThat(r.exitCode()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({"80, 80, OK", "81, 80, WARNING", "95, 80, WARNING", "96, 80, CRITICAL", "97, 99, OK", "100, 99, CRITICAL", "96, 100, OK"})
    void repositorySpace(int usedPercent, int limit, Status expected) {
        var findings = new java.util.ArrayList<Finding>();
        HealthCheck.space(REPO, usage(usedPercent), new Thresholds(Duration.ofHours(1), Duration.ofHours(1), limit), findings);
        assertThat(findings).singleElement().extracting(Finding::status).isEqualTo(expected);
    }

    @Test
    void objectStorageSpaceIsNotChecked() {
        var findings = new java.util.ArrayList<Finding>();
        HealthCheck.space("s3://b/p", new Space.NotChecked("object storage, no filesystem to fill"), LIMITS, findings);
        assertThat(findings).containsExactly(new Finding(Status.OK, "repository space", "not checked: object storage, no filesystem to fill", null));
    }

    @Test
    void dfCountsReservedBlocksAsNeitherUsedNorFree() {
        // 252 GB disk, 26 GB used, 77 GB available to users: df says 26/(26+77) = 25%
        assertThat(new Space.Measured(252 * GB, 26 * GB, 77 * GB).usedPercent()).isEqualTo(26);
        assertThat(new Space.Measured(100 * GB, 50 * GB, 50 * GB).usedPercent()).isEqualTo(50);
    }

    @Test
    void anUnreachableServerIsAWarningNotAFailure() {
        var r = HealthCheck.evaluate(facts(repo(Duration.ofHours(1), Duration.ofMinutes(1)), usage(10),
                new ServerState.Unreachable("cannot connect to PostgreSQL at 127.0.0.1:5432 as postgres: Connection refused")), LIMITS, NOW);
        assertThat(only(r, "server")).extracting(Finding::status, Finding::detail)
                .containsExactly(Status.WARNING, "not reachable: cannot connect to PostgreSQL at 127.0.0.1:5432 as postgres: Connection refused");
        assertThat(r.findings()).extracting(Finding::what).doesNotContain("wal_level", "archive_mode");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void aRepositoryOnlyCheckSkipsTheServerWithoutAWarning() {
        var r = HealthCheck.evaluate(facts(repo(Duration.ofHours(1), Duration.ofMinutes(1)), usage(10),
                new ServerState.Skipped()), LIMITS, NOW);
        assertThat(only(r, "server")).extracting(Finding::status, Finding::detail)
                .containsExactly(Status.OK, "not checked (--no-server)");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void walLevelMinimalIsCritical() {
        Finding f = HealthCheck.walLevel(server("minimal", "on", PUSH, Duration.ofSeconds(60), archiverOk()));
        assertThat(f.status()).isEqualTo(Status.CRITICAL);
        assertThat(f.action()).isEqualTo("set wal_level = replica in postgresql.conf and restart PostgreSQL");
        assertThat(HealthCheck.walLevel(server("logical", "on", PUSH, Duration.ofSeconds(60), archiverOk())).status()).isEqualTo(Status.OK);
    }

    @Test
    void archiveModeOffIsCritical() {
        Finding f = HealthCheck.archiveMode(server("replica", "off", "", Duration.ofSeconds(60), archiverOk()), PUSH);
        assertThat(f.status()).isEqualTo(Status.CRITICAL);
        assertThat(f.action()).isEqualTo("set archive_mode = on and archive_command = '" + PUSH + "' in postgresql.conf, restart PostgreSQL");
        assertThat(HealthCheck.archiveMode(server("replica", "always", PUSH, Duration.ofSeconds(60), archiverOk()), PUSH).status())
                .isEqualTo(Status.OK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "(disabled)", "cp %p /mnt/archive/%f", "walden --repo /x wal-fetch %f %p"})
    void anArchiveCommandThatDoesNotPushToWaldenIsAWarning(String command) {
        Finding f = HealthCheck.archiveCommand(server("replica", "on", command, Duration.ofSeconds(60), archiverOk()), PUSH);
        assertThat(f.status()).isEqualTo(Status.WARNING);
        assertThat(f.action()).isEqualTo("set archive_command = '" + PUSH + "' in postgresql.conf and reload PostgreSQL");
    }

    @Test
    void anArchiveLibraryOverridesTheCommand() {
        var s = new ServerState.Reachable("h", "16.4", false, "replica", "on", PUSH, "basic_archive", Duration.ofSeconds(60), archiverOk());
        assertThat(HealthCheck.archiveCommand(s, PUSH).status()).isEqualTo(Status.WARNING);
    }

    @Test
    void anArchiverFailingSinceItsLastSuccessIsCriticalAndNamesTheWal() {
        Archiver a = new Archiver(40, "000000010000000000000028", NOW.minusSeconds(600), 7, "000000010000000000000029", NOW.minusSeconds(20));
        Finding f = HealthCheck.archiver(a, LIMITS, NOW);
        assertThat(f.status()).isEqualTo(Status.CRITICAL);
        assertThat(f.detail()).isEqualTo("archive_command failed for 000000010000000000000029 at 2026-02-13 11:59:40.000 UTC and has not"
                + " succeeded since 2026-02-13 11:50:00.000 UTC (7 failures since the statistics were reset)");

        Archiver never = new Archiver(0, null, null, 3, "000000010000000000000001", NOW.minusSeconds(5));
        assertThat(HealthCheck.archiver(never, LIMITS, NOW).detail()).contains("and has never succeeded");
    }

    @Test
    void aRecentFailureThatRecoveredIsAWarningAndAnOldOneIsHistory() {
        Archiver recovered = new Archiver(40, "000000010000000000000029", NOW.minusSeconds(10), 2, "000000010000000000000029", NOW.minusSeconds(300));
        assertThat(HealthCheck.archiver(recovered, LIMITS, NOW).status()).isEqualTo(Status.WARNING);

        Archiver old = new Archiver(40, "000000010000000000000029", NOW.minusSeconds(10), 2, "000000010000000000000010", NOW.minus(Duration.ofDays(2)));
        Finding f = HealthCheck.archiver(old, LIMITS, NOW);
        assertThat(f.status()).isEqualTo(Status.OK);
        assertThat(f.detail()).endsWith(", 2 earlier failures");
    }

    @Test
    void archiveTimeoutZeroIsAWarning() {
        Finding f = HealthCheck.archiveTimeout(server("replica", "on", PUSH, Duration.ZERO, archiverOk()));
        assertThat(f).isEqualTo(new Finding(Status.WARNING, "archive_timeout", "0: up to a whole segment of commits can be lost",
                "set archive_timeout = 60s in postgresql.conf and reload PostgreSQL"));
        assertThat(HealthCheck.archiveTimeout(server("replica", "on", PUSH, Duration.ofSeconds(60), archiverOk())).detail()).isEqualTo("60 s");
    }

    @Test
    void theWorstFindingDecidesTheExitCode() {
        Finding ok = new Finding(Status.OK, "a", "x", null);
        Finding warning = new Finding(Status.WARNING, "b", "x", "y");
        Finding critical = new Finding(Status.CRITICAL, "c", "x", "y");
        assertThat(HealthCheck.Report.of(NOW, List.of()).exitCode()).isZero();
        assertThat(HealthCheck.Report.of(NOW, List.of(ok, ok)).exitCode()).isZero();
        assertThat(HealthCheck.Report.of(NOW, List.of(ok, warning, ok)).exitCode()).isEqualTo(1);
        assertThat(HealthCheck.Report.of(NOW, List.of(warning, critical, ok)).exitCode()).isEqualTo(2);
        assertThat(HealthCheck.Report.of(NOW, List.of(critical, warning)).status()).isEqualTo(Status.CRITICAL);
    }

    @ParameterizedTest
    @CsvSource({"90s, PT1M30S", "30m, PT30M", "48h, PT48H", "7d, PT168H", " 1s , PT1S", "2H, PT2H"})
    void agesHaveAUnit(String text, Duration expected) {
        assertThat(Thresholds.parseAge(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "0m", "-5m", "1w", "m", "1.5h", ""})
    void badAgesAreRefused(String text) {
        assertThatThrownBy(() -> Thresholds.parseAge(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentages() {
        assertThat(Thresholds.parsePercent("80%")).isEqualTo(80);
        assertThat(Thresholds.parsePercent("90")).isEqualTo(90);
        assertThatThrownBy(() -> Thresholds.parsePercent("0%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Thresholds.parsePercent("101%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Thresholds.parsePercent("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agesReadAtAGlance() {
        assertThat(HealthCheck.age(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(HealthCheck.age(Duration.ofMinutes(12))).isEqualTo("12 min");
        assertThat(HealthCheck.age(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
        assertThat(HealthCheck.age(Duration.ofHours(52))).isEqualTo("2 d 4 h");
    }
}
