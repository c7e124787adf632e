package io.walden.ops.preview;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What walden remembers about a running preview, enough to reach it, move it and remove it from another
 * invocation.
 *
 * @param id             names this preview; the scratch directory's marker carries it too
 * @param repository     the repository it was restored from
 * @param dir            the scratch directory walden owns and removes
 * @param createdDir     walden created {@code dir} (else it was an empty directory given with --dir, kept on stop)
 * @param osUser         the OS user the server runs as
 * @param pgMajor        the PostgreSQL major version of the backup
 * @param pgBin          the directory of pg_ctl and postgres used
 * @param target         the recovery target, for people ("time 2026-02-13 14:30:00.000 UTC")
 * @param targetTime     the target time, or null for other kinds of target
 * @param timeline       the timeline recovery follows
 * @param restoreCommand the restore_command the server uses
 * @param serverSettings the settings that make it a scratch instance, written again when it moves
 * @param user           the database user in the connection string
 * @param replayedUpTo   the commit time of the last transaction replayed, when known
 */
public record PreviewState(String id, String repository, Path dir, boolean createdDir, Path pgdata, int port,
                           Path socketDir, String osUser, int pgMajor, Path pgBin, String backupId, String target,
                           Instant targetTime, boolean exclusive, int timeline, String restoreCommand,
                           Map<String, String> serverSettings, String user, Instant startedAt, Instant replayedUpTo) {

    /** What psql takes: TCP on the loopback address, the only address the instance listens on. */
    public String connectionString() {
        return "host=127.0.0.1 port=" + port + " dbname=postgres user=" + user;
    }

    public Path serverLogDir() {
        return pgdata.resolve("log");
    }

    PreviewState movedTo(String newTarget, Instant newTargetTime, Instant newReplayedUpTo) {
        return new PreviewState(id, repository, dir, createdDir, pgdata, port, socketDir, osUser, pgMajor, pgBin, backupId,
                newTarget, newTargetTime, exclusive, timeline, restoreCommand, serverSettings, user, startedAt, newReplayedUpTo);
    }

    PreviewState replayedUpTo(Instant at) {
        return movedTo(target, targetTime, at);
    }
}
