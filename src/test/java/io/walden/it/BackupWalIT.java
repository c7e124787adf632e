package io.walden.it;

import io.walden.pg.ShellQuote;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL a backup needs, when archive_command is slow or stores nowhere: the backup stores its last segment itself
 * where archiving into its repository works, and still fails where it does not.
 */
class BackupWalIT {

    @Test
    void theBackupStoresItsLastSegmentInsteadOfWaitingForASlowArchiveCommand() {
        try (Scenario s = new Scenario("backup-wal-slow")) {
            s.switchWalAndWaitArchived();
            s.pg.sql("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
            // the backup's start ends the current segment, its stop the next one: archive_command stores the
            // current one after 3 s, likely after the backup stopped, and the next one only after 30 s, far beyond
            // the backup's archive timeout
            String current = s.pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())");
            String stopSegment = s.pg.queryString("SELECT pg_walfile_name(pg_current_wal_lsn() + 16 * 1024 * 1024)");
            s.pg.withArchiveCommand("case %f in " + current + ") sleep 3;; " + stopSegment + ") sleep 30;; esac; "
                    + s.walden + " --repo " + ShellQuote.quote(s.repoSpec) + " wal-push %p");

            s.backup("--archive-timeout", "10");

            // the backup ended in the segment after the one current before it, and stored that segment while
            // archive_command still held it
            assertThat(current).isLessThan(stopSegment);
            assertThat(s.pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")).isLessThan(stopSegment);
            assertThat(s.repo.resolve("wal/" + stopSegment.substring(0, 16) + "/" + stopSegment)).isRegularFile();
            // archive_command's own push of the same segment, when it comes, finds it stored and succeeds
            s.switchWalAndWaitArchived();
            assertThat(s.pg.queryLong("SELECT failed_count FROM pg_stat_archiver")).isZero();
        }
    }

    @Test
    void aBackupStillFailsWhenArchiveCommandStoresNothing() {
        try (Scenario s = new Scenario("backup-wal-none")) {
            s.pg.withArchiveCommand("true");
            s.pg.sql("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");

            Cli.Result r = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString(), "--archive-timeout", "3");

            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).contains("did not reach the repository within 3 s, so this backup cannot be restored and was discarded");
            assertThat(s.ok("list").out()).doesNotContain("full");
        }
    }
}
