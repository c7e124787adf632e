package io.walden.ops;

import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Gathers what {@link HealthCheck} decides on: the repository's newest backup and WAL, how full the
 * filesystem under a local repository is, and the server's archiving settings and pg_stat_archiver.
 * A failure to gather becomes a fact too (an unreadable repository, an unreachable server): a health
 * check that dies instead of reporting is no use to a monitor.
 */
public final class HealthProbe {

    public record Facts(RepositoryState repository, Space space, ServerState server, String suggestedArchiveCommand) {}

    public sealed interface RepositoryState {
        String location();

        /** {@code latestBackup} and {@code newestWal} are null when there are none. */
        record Readable(String location, int backups, String latestBackup, Instant latestBackupEnd,
                        String newestWal, Instant newestWalArrived) implements RepositoryState {}

        record Unreadable(String location, String problem, String hint) implements RepositoryState {}
    }

    public sealed interface Space {
        /** Used share as df shows it: space reserved for root counts as neither used nor available. */
        record Measured(long totalBytes, long usedBytes, long availableBytes) implements Space {
            public int usedPercent() {
                long denominator = usedBytes + availableBytes;
                return denominator <= 0 ? 100 : (int) Math.ceil(100.0 * usedBytes / denominator);
            }
        }

        /** Object storage has no size to fill. */
        record NotChecked(String why) implements Space {}

        record Unknown(String why) implements Space {}
    }

    public sealed interface ServerState {
        record Reachable(String where, String version, boolean inRecovery, String walLevel, String archiveMode,
                         String archiveCommand, String archiveLibrary, Duration archiveTimeout, Archiver archiver)
                implements ServerState {}

        record Unreachable(String reason) implements ServerState {}

        /** Not asked for (a backup host that only holds the repository). */
        record Skipped() implements ServerState {}

        /** Connected, but the role may not read archive_command or pg_stat_archiver. */
        record Unreadable(String where, String reason) implements ServerState {}
    }

    /** pg_stat_archiver's row; times and names null when nothing happened since the statistics were reset. */
    public record Archiver(long archivedCount, String lastArchivedWal, Instant lastArchivedTime,
                           long failedCount, String lastFailedWal, Instant lastFailedTime) {}

    private HealthProbe() {
    }

    /** Opening the repository may itself fail (a bad key setting, a missing bucket): hence a supplier. */
    public static RepositoryState repository(String location, Supplier<Repository> open) {
        try {
            Repository repository = open.get();
            repository.requireIdentity();
            List<Manifest> backups = repository.backups();
            Manifest latest = backups.stream().max(Comparator.comparing(Manifest::stopTime)).orElse(null);
            ArchivedWal newest = repository.wal().stream().max(Comparator.comparing(ArchivedWal::archived)).orElse(null);
            return new RepositoryState.Readable(repository.location(), backups.size(),
                    latest == null ? null : latest.id(), latest == null ? null : latest.stopTime(),
                    newest == null ? null : newest.file().name(), newest == null ? null : newest.archived());
        } catch (WaldenException e) {
            return new RepositoryState.Unreadable(location, e.getMessage(), e.hint());
        } catch (RuntimeException e) {
            return new RepositoryState.Unreadable(location, "cannot read the repository at " + location + ": " + e,
                    "run 'walden --repo " + location + " status --debug' to see why");
        }
    }

    /** The filesystem holding {@code root} (or its nearest existing parent, for a repository not created yet). */
    public static Space localSpace(Path root) {
        Path p = root.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return new Space.Unknown("no part of " + root + " exists");
        }
        try {
            FileStore store = Files.getFileStore(p);
            long total = store.getTotalSpace();
            return new Space.Measured(total, total - store.getUnallocatedSpace(), store.getUsableSpace());
        } catch (IOException e) {
            return new Space.Unknown(e.getMessage());
        }
    }

    /** {@code where} names the server for messages ("host:port as user"); {@code connect} throws when it cannot. */
    public static ServerState server(String where, Supplier<Connection> connect) {
        Connection c;
        try {
            c = connect.get();
        } catch (WaldenException e) {
            return new ServerState.Unreachable(e.getMessage());
        }
        try (c; Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT current_setting('server_version'),
                       pg_is_in_recovery(),
                       current_setting('wal_level'),
                       current_setting('archive_mode'),
                       current_setting('archive_command'),
                       coalesce(current_setting('archive_library', true), ''),
                       (SELECT setting::int FROM pg_settings WHERE name = 'archive_timeout'),
                       a.archived_count, a.last_archived_wal, a.last_archived_time,
                       a.failed_count, a.last_failed_wal, a.last_failed_time
                  FROM pg_stat_archiver a""")) {
            r.next();
            Archiver archiver = new Archiver(r.getLong(8), r.getString(9), instant(r, 10), r.getLong(11), r.getString(12), instant(r, 13));
            return new ServerState.Reachable(where, r.getString(1), r.getBoolean(2), r.getString(3), r.getString(4), r.getString(5),
                    r.getString(6), Duration.ofSeconds(r.getInt(7)), archiver);
        } catch (SQLException e) {
            return new ServerState.Unreadable(where, e.getMessage());
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
