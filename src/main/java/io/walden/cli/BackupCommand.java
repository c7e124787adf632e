package io.walden.cli;

import io.walden.backup.Backuper;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** walden backup. */
@Command(name = "backup", description = "Take a full base backup of the running server whose PGDATA is on this host.",
        footer = {"", "Example:", "  PGPORT=5432 walden --repo /backups/main backup --pgdata /var/lib/postgresql/15/main --label nightly"})
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

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        Repository repository = ctx.repository();
        Progress progress = new Progress(ctx.err());
        Backuper.Options options = new Backuper.Options(pgdata, label, jobs != null ? jobs : Runtime.getRuntime().availableProcessors(),
                !spread, Duration.ofSeconds(archiveTimeout), VersionCommand.version(),
                Duration.ofSeconds(waitSeconds));
        Manifest m;
        try (Connection c = ctx.connector(pgUrl, pgdata).open()) {
            m = new Backuper(repository, c, options, new Backuper.Progress() {
                @Override
                public void started(long totalBytes) {
                    progress.total(totalBytes);
                }

                @Override
                public void copied(long bytes) {
                    progress.add(bytes);
                }
            }).run();
        } catch (SQLException e) {
            throw new io.walden.error.WaldenException("the connection to PostgreSQL failed: " + e.getMessage(), null);
        } finally {
            progress.end();
        }
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(summary(m)));
            return 0;
        }
        ctx.out().printf("backup %s complete%n", m.id());
        ctx.out().printf("  size      %s, stored %s (%s), %d files%n", Format.bytes(m.originalSize()), Format.bytes(m.storedSize()),
                m.compression(), m.files().size());
        ctx.out().printf("  duration  %s (%s)%n", Format.duration(m.duration()), Format.rate(m.originalSize(), m.duration()));
        ctx.out().printf("  WAL       %s to %s, timeline %d%n", m.startLsn(), m.stopLsn(), m.timeline());
        ctx.out().printf("next: walden --repo %s list%n", repository.location());
        return 0;
    }

    static Map<String, Object> summary(Manifest m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", m.id());
        s.put("label", m.label());
        s.put("startTime", m.startTime());
        s.put("stopTime", m.stopTime());
        s.put("startLsn", m.startLsn());
        s.put("stopLsn", m.stopLsn());
        s.put("timeline", m.timeline());
        s.put("startSegment", m.startSegment());
        s.put("stopSegment", m.stopSegment());
        s.put("originalSize", m.originalSize());
        s.put("storedSize", m.storedSize());
        s.put("pgVersionNum", m.pgVersionNum());
        s.put("files", m.files().size());
        return s;
    }
}
