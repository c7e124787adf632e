package io.walden.cli;

import io.walden.backup.BackupKind;
import io.walden.backup.Backuper;
import io.walden.backup.CatalogReader;
import io.walden.pg.PgConnector;
import io.walden.error.UsageException;
import io.walden.ops.BackupSummary;
import io.walden.repo.Json;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** walden backup. */
@Command(name = "backup", description = {"Take a base backup of the running server whose PGDATA is on this host.",
        "An incremental backup stores only the blocks changed since the newest backup; restore rebuilds the files"
                + " from its chain. By default a backup is incremental unless the newest full one is older than"
                + " --full-every or the chain has --max-chain incremental backups."},
        footer = {"", "Examples:", "  PGPORT=5432 walden --repo /backups/main backup --pgdata /var/lib/postgresql/15/main --label nightly",
                "  walden --repo /backups/main backup --type full"})
final class BackupCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The server's data directory (env PGDATA); default: the one the server reports.")
    Path pgdata;

    @Option(names = "--pg-url", paramLabel = "URL", description = "Connection, e.g. postgresql://postgres@127.0.0.1:5432/postgres (default: PGHOST, PGPORT, PGUSER, ...).")
    String pgUrl;

    @Option(names = "--label", description = "A label stored with the backup.")
    String label;

    @Option(names = "--jobs", paramLabel = "N", description = "Files read and compressed in parallel (default: number of cores).")
    Integer jobs;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "If another backup holds the repository, wait up to this long for it (default 0: refuse at once).")
    long waitSeconds;

    @Option(names = "--spread-checkpoint", description = "Let the starting checkpoint spread out instead of running it at once.")
    boolean spread;

    @Option(names = "--archive-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the backup's WAL to be archived (default 120).")
    long archiveTimeout;

    @Option(names = "--type", paramLabel = "full|incr|auto", defaultValue = "auto",
            description = "full, incr (against the newest backup), or auto (default): incr unless a new full is due.")
    String type;

    @Option(names = "--full-every", paramLabel = "AGE", defaultValue = "7d", converter = CheckCommand.AgeConverter.class,
            description = "With --type auto, take a full backup when the newest full is older than this (default 7d).")
    Duration fullEvery;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "10",
            description = "Incremental backups at most between two full ones (default 10); a restore needs every link.")
    int maxChain;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        BackupKind.Requested requested = requested(type);
        if (maxChain < 1) {
            throw new UsageException("--max-chain must be at least 1, not " + maxChain, "use --type full to take a full backup");
        }
        Repository repository = ctx.repository();
        Progress progress = new Progress(ctx.err());
        Backuper.Options options = new Backuper.Options(pgdata, label, jobs != null ? jobs : Runtime.getRuntime().availableProcessors(),
                !spread, Duration.ofSeconds(archiveTimeout), VersionCommand.version(),
                Duration.ofSeconds(waitSeconds), requested, fullEvery, maxChain);
        Manifest m;
        PgConnector connector = ctx.connector(pgUrl, pgdata);
        try (Connection c = connector.open()) {
            m = new Backuper(repository, c, options, new Backuper.Progress() {
                @Override
                public void kind(BackupKind.Decision decision) {
                    ctx.err().println((decision.incremental() ? "incremental backup " : "full backup: ") + decision.reason());
                }

                @Override
                public void started(long totalBytes) {
                    progress.total(totalBytes);
                }

                @Override
                public void copied(long bytes) {
                    progress.add(bytes);
                }

                @Override
                public void warn(String message) {
                    ctx.err().println("warning: " + message);
                }
            }, new CatalogReader(connector)).run();
        } catch (SQLException e) {
            throw new io.walden.error.WaldenException("the connection to PostgreSQL failed: " + e.getMessage(), null);
        } finally {
            progress.end();
        }
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(BackupSummary.of(m)));
            return 0;
        }
        ctx.out().printf("backup %s complete (%s)%n", m.id(), m.incremental() ? "incremental against " + m.parent() : "full");
        ctx.out().printf("  size      %s, stored %s (%s), %d files%n", Format.bytes(m.originalSize()), Format.bytes(m.storedSize()),
                m.compression(), m.files().size());
        ctx.out().printf("  duration  %s (%s)%n", Format.duration(m.duration()), Format.rate(m.originalSize(), m.duration()));
        ctx.out().printf("  WAL       %s to %s, timeline %d%n", m.startLsn(), m.stopLsn(), m.timeline());
        ctx.out().printf("next: walden --repo %s list%n", repository.location());
        return 0;
    }

    private static BackupKind.Requested requested(String type) {
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "full" -> BackupKind.Requested.FULL;
            case "incr", "incremental" -> BackupKind.Requested.INCR;
            case "auto" -> BackupKind.Requested.AUTO;
            default -> throw new UsageException("--type must be full, incr or auto, not '" + type + "'",
                    "e.g. --type full for a new full backup");
        };
    }
}
