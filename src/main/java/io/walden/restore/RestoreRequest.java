package io.walden.restore;

import io.walden.pg.PgConnector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a restore is asked to do.
 *
 * @param cloning          restoring another instance's repository into a new PGDATA (--from)
 * @param restoreCommand the restore_command the restored server will use
 * @param archiveCommand for a clone: the archive_command of the new instance, or null to leave it as the backup has it
 * @param timeline       "latest", "current" or a timeline number
 * @param connector      to ask a running server to archive its current WAL first, or null
 * @param inPlace        restore over the existing cluster, keeping the files that match (--delta)
 * @param serverSettings settings for the restored server, written with the recovery settings into
 *                       postgresql.auto.conf (a scratch instance's listen address and socket directory)
 */
public record RestoreRequest(Path pgdata, RecoveryTarget target, boolean exclusive, String action,
                             Optional<String> backupId, String timeline, boolean cloning, boolean force,
                             boolean noStart, boolean keepSnapshot, OptionalInt port, int jobs, Duration timeout,
                             String restoreCommand, String archiveCommand, Optional<Path> pgBin, PgConnector connector,
                             boolean inPlace, Map<String, String> serverSettings) {

    public RestoreRequest {
        serverSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(serverSettings));
    }

    /** A restore that keeps the server settings the backup has. */
    public RestoreRequest(Path pgdata, RecoveryTarget target, boolean exclusive, String action,
                          Optional<String> backupId, String timeline, boolean cloning, boolean force,
                          boolean noStart, boolean keepSnapshot, OptionalInt port, int jobs, Duration timeout,
                          String restoreCommand, String archiveCommand, Optional<Path> pgBin, PgConnector connector,
                          boolean inPlace) {
        this(pgdata, target, exclusive, action, backupId, timeline, cloning, force, noStart, keepSnapshot, port, jobs,
                timeout, restoreCommand, archiveCommand, pgBin, connector, inPlace, Map.of());
    }

    public Optional<Integer> timelineNumber() {
        if (timeline == null || timeline.equals("latest") || timeline.equals("current")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(timeline));
    }
}
