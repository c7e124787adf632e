package io.walden.ops.metrics;

import io.walden.ops.RecoveryStatus;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The repository as last looked at: what 'walden status --json' and 'walden list --json' print, the newest
 * drill, and where the archived WAL ends; or why it could not be read.
 *
 * @param status      null when the repository does not exist yet (nothing backed up or archived)
 * @param archivedEnd where the newest archived segment ends, null when none is archived
 * @param serverLsn   the server's current WAL position when a connection was given and answered, else null
 * @param error       why the repository could not be read (then the rest is null), else null
 */
public record RepositorySnapshot(Instant taken, RecoveryStatus.Report status, List<Map<String, Object>> backups,
                                 RecoveryEvent lastDrill, Lsn archivedEnd, Lsn serverLsn, String error) {

    public static RepositorySnapshot failed(Instant taken, String error) {
        return new RepositorySnapshot(taken, null, List.of(), null, null, null, error);
    }

    public boolean readable() {
        return error == null;
    }
}
