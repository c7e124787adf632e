package io.walden.backup;

import io.walden.error.WaldenException;
import io.walden.wal.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server side of a base backup: pg_backup_start / pg_backup_stop (PostgreSQL 15+) or their older
 * names. Both calls must run in the same session, which stays open in between.
 */
final class BackupControl {
    private static final Pattern TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");

    private final Connection connection;
    private final int versionNum;

    BackupControl(Connection connection, int versionNum) {
        this.connection = connection;
        this.versionNum = versionNum;
    }

    Lsn start(String label, boolean fastCheckpoint) {
        String sql = versionNum >= 150000 ? "SELECT pg_backup_start(?, ?)::text" : "SELECT pg_start_backup(?, ?, false)::text";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, label);
            ps.setBoolean(2, fastCheckpoint);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return Lsn.parse(r.getString(1));
            }
        } catch (SQLException e) {
            throw new WaldenException("PostgreSQL refused to start the backup: " + e.getMessage(),
                    "connect as a superuser or a role granted EXECUTE on pg_backup_start and pg_backup_stop");
        }
    }

    /** The result of stopping: where the backup ends, and the files PostgreSQL wants written with it. */
    record Stopped(Lsn stopLsn, String backupLabel, String tablespaceMap) {
        int timeline() {
            Matcher m = TIMELINE.matcher(backupLabel);
            if (!m.find()) {
                throw new IllegalStateException("backup_label has no START TIMELINE line");
            }
            return Integer.parseInt(m.group(1));
        }
    }

    /**
     * Ends the backup without waiting for WAL archiving (the caller waits for the WAL in the repository,
     * with a timeout, instead of hanging if archive_command fails).
     */
    Stopped stop() {
        String sql = versionNum >= 150000
                ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return new Stopped(Lsn.parse(r.getString(1)), r.getString(2), r.getString(3));
        } catch (SQLException e) {
            throw new WaldenException("PostgreSQL failed to stop the backup: " + e.getMessage(), null);
        }
    }

    /** The next transaction id after the backup: transactions from here on committed after the backup. */
    long nextXid() {
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")) {
            r.next();
            return Long.parseLong(r.getString(1));
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Forces the current WAL segment out so the archiver can take it. */
    void switchWal() {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_switch_wal()");
        } catch (SQLException e) {
            // not fatal: the segment is archived when it fills or archive_timeout passes
        }
    }
}
