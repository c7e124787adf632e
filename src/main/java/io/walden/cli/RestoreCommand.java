package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.drill.EventLog;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.pg.PgConnector;
import io.walden.repo.Json;
import io.walden.repo.Repository;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestoreRequest;
import io.walden.restore.RestoreResult;
import io.walden.restore.Restorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** walden restore. */
@Command(name = "restore", description = {
        "Restore a backup into PGDATA and recover to the latest state or to a target.",
        "A running cluster in PGDATA is stopped and kept as PGDATA.pre-restore; on any failure it is put back."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main restore --pgdata /var/lib/postgresql/15/main",
                "  walden --repo /backups/main restore --pgdata /var/lib/postgresql/15/main --target-time '2026-02-13 14:30:00 UTC'",
                "  walden --repo /backups/clone restore --from /backups/main --pgdata /srv/pg/clone --port 5433"})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--pgdata", required = true, paramLabel = "DIR", description = "Where to restore (env PGDATA).")
    Path pgdata;

    @Mixin
    RecoveryPointOptions point = new RecoveryPointOptions();

    @Option(names = "--target-action", defaultValue = "promote", paramLabel = "ACTION",
            description = "At the target: promote (default), pause or shutdown.")
    String action;

    @Option(names = "--target-timeline", defaultValue = "latest", paramLabel = "TLI", description = "latest (default), current or a number.")
    String timeline;

    @Option(names = "--from", paramLabel = "REPO", description = "Clone: restore from another instance's repository into an empty PGDATA.")
    String from;

    @Option(names = "--force", description = "Restore into a non-empty PGDATA that is not this repository's cluster.")
    boolean force;

    @Option(names = "--delta", description = {"Restore over the existing cluster in PGDATA: keep its files whose content"
            + " matches the backup (block hashes for large files, SHA-256 for the others), rewrite the rest, remove what"
            + " the backup does not have. Much faster when little changed, but there is no pre-restore snapshot to go back to."})
    boolean delta;

    @Option(names = "--no-start", description = "Write the files and recovery settings, do not start PostgreSQL.")
    boolean noStart;

    @Option(names = "--no-keep", description = "Remove the pre-restore snapshot after a successful restore.")
    boolean noKeep;

    @Option(names = "--port", paramLabel = "PORT", description = "Port for the restored server (written to postgresql.auto.conf).")
    Integer port;

    @Option(names = "--jobs", paramLabel = "N", description = "Objects fetched and written in parallel (default: number of cores).")
    Integer jobs;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "How long recovery may take (default 60).")
    long timeoutMinutes;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory with pg_ctl and postgres (env WALDEN_PG_BIN).")
    Path pgBin;

    @Option(names = "--pg-url", paramLabel = "URL", description = "Connection to the running server, used to archive its current WAL first.")
    String pgUrl;

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        Context ctx = parent.context();
        RecoveryTarget recoveryTarget = point.recoveryTarget();
        if (!action.equals("promote") && !action.equals("pause") && !action.equals("shutdown")) {
            throw new UsageException("--target-action must be promote, pause or shutdown, not '" + action + "'");
        }
        if (!timeline.equals("latest") && !timeline.equals("current") && !timeline.matches("\\d+")) {
            throw new UsageException("--target-timeline must be latest, current or a number, not '" + timeline + "'");
        }
        boolean cloning = from != null;
        if (delta && cloning) {
            throw new UsageException("--delta restores over this repository's own cluster; a clone (--from) needs an empty PGDATA",
                    "leave out --delta, or --from to restore this instance");
        }
        String sourceSpec = cloning ? from : ctx.repo;
        Repository source = ctx.repository(sourceSpec, cloning ? "--from" : "--repo");
        String archiveCommand = null;
        if (cloning && ctx.repo != null && !ctx.repo.isBlank()) {
            if (Context.sameRepository(ctx.repo, from)) {
                throw new UsageException("--from and --repo name the same repository; a clone must archive to its own",
                        "give the clone its own --repo, or leave --repo out and set archiving up later");
            }
            archiveCommand = ctx.waldenWithRepo(ctx.repo, "wal-push %p");
        }
        Optional<String> backupId = point.backupId(source);
        PgConnector connector = null;
        try {
            connector = ctx.connector(pgUrl, pgdata);
        } catch (RuntimeException e) {
            // without a connection the restore uses what is archived
        }
        RestoreRequest request = new RestoreRequest(pgdata, recoveryTarget, point.exclusive, action, backupId, timeline, cloning,
                force, noStart, !noKeep, port == null ? OptionalInt.empty() : OptionalInt.of(port),
                jobs != null ? jobs : Runtime.getRuntime().availableProcessors(), Duration.ofMinutes(timeoutMinutes),
                ctx.waldenWithRepo(sourceSpec, "wal-fetch %f %p"), cloning ? (archiveCommand != null ? archiveCommand : "")
                : null, Optional.ofNullable(pgBin), connector, delta);
        Progress progress = new Progress(ctx.err());
        RestoreResult r;
        try {
            r = new Restorer(source, request, progress::add, line -> {
                if (!ctx.json) {
                    ctx.err().println(line);
                }
            }).run();
        } finally {
            progress.end();
        }
        record(ctx, source, r, started);
        report(ctx, r, cloning && archiveCommand == null);
        return 0;
    }

    /** The restore goes into the repository's history (walden report); failing to write it never fails the restore. */
    private static void record(Context ctx, Repository source, RestoreResult r, Instant started) {
        try {
            new EventLog(source).record(RecoveryEvent.ofRestore(r, started, RecoveryEvent.thisHost()));
        } catch (java.io.IOException | RuntimeException e) {
            ctx.err().println("walden: warning: the restore is not recorded in the repository's history: " + e.getMessage());
        }
    }

    private void report(Context ctx, RestoreResult r, boolean cloneWithoutArchive) throws Exception {
        if (ctx.json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("backup", r.plan().backup().id());
            s.put("target", r.plan().target().describe());
            s.put("pgdata", r.pgdata().toString());
            s.put("stoppedAt", r.stoppedAt());
            s.put("lastTransaction", r.lastTransaction());
            s.put("newTimeline", r.newTimeline());
            s.put("state", r.state());
            s.put("snapshot", r.snapshot() == null ? null : r.snapshot().toString());
            s.put("seconds", r.elapsed().toMillis() / 1000.0);
            ctx.out().println(Json.mapper().writeValueAsString(s));
            return;
        }
        ctx.out().printf("restored backup %s to %s in %s%n", r.plan().backup().id(), r.plan().target().describe(),
                Format.duration(r.elapsed()));
        if (r.stoppedAt() != null) {
            ctx.out().println("  recovery stopped " + r.stoppedAt());
        }
        if (r.lastTransaction() != null) {
            ctx.out().println("  last transaction replayed at " + r.lastTransaction());
        }
        if (r.newTimeline() != null) {
            ctx.out().println("  new timeline " + r.newTimeline());
        }
        if (r.started()) {
            ctx.out().println("  PostgreSQL: " + r.state() + " (log: " + r.serverLog() + ")");
        } else {
            ctx.out().println("  PostgreSQL was not started (--no-start): start it to begin recovery");
        }
        if (r.snapshot() != null) {
            ctx.out().println("  previous PGDATA kept in " + r.snapshot() + " (replaced by the next restore)");
        }
        if (cloneWithoutArchive) {
            ctx.out().println("  archiving is off on this clone: set its archive_command to its own repository");
        }
        ctx.out().println("next: check your data, then take a fresh backup: walden --repo <this instance's repository> backup");
    }
}
