package io.walden.cli;

import io.walden.ops.HealthCheck;
import io.walden.ops.HealthProbe;
import io.walden.pg.PgConnector;
import io.walden.repo.Json;
import io.walden.storage.StorageAddress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * walden check. Its exit code is the verdict (0 OK, 1 WARNING, 2 CRITICAL) and is returned from
 * {@link #call()}, which picocli passes through {@link Walden#run} unchanged; only a bad flag still exits
 * through the usage path (2), so a broken monitoring line shows up as critical rather than as all well.
 */
@Command(name = "check", description = "Health check for cron and monitoring: backup age, WAL age, repository space and the server's"
        + " archiving settings. Exit code 0 OK, 1 WARNING, 2 CRITICAL.",
        footer = {"", "Example (cron, mails only when something is wrong):",
                "  */10 * * * *  out=$(walden --repo /backups/main check) || echo \"$out\""})
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--max-backup-age", paramLabel = "AGE", converter = AgeConverter.class,
            description = "Latest complete backup older than this, or none: CRITICAL (env WALDEN_MAX_BACKUP_AGE; default 48h; 90s, 30m, 48h, 7d).")
    Duration maxBackupAge;

    @Option(names = "--max-wal-age", paramLabel = "AGE", converter = AgeConverter.class,
            description = "Newest WAL in the repository arrived longer ago than this: WARNING (env WALDEN_MAX_WAL_AGE; default 30m).")
    Duration maxWalAge;

    @Option(names = "--max-repo-usage", paramLabel = "PERCENT", converter = PercentConverter.class,
            description = "Filesystem of a local repository fuller than this: WARNING; above 95%%: CRITICAL (env WALDEN_MAX_REPO_USAGE; default 80%%).")
    Integer maxRepoUsage;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The server's data directory (env PGDATA), to find its port.")
    Path pgdata;

    @Option(names = "--pg-url", paramLabel = "URL", description = "Connection, e.g. postgresql://postgres@127.0.0.1:5432/postgres (default: PGHOST, PGPORT, PGUSER, ...).")
    String pgUrl;

    @Option(names = "--no-server", description = "Check the repository only (on a host without the database).")
    boolean noServer;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        // defaults here rather than in the annotations, so WALDEN_* from SettingsProvider always wins over them
        HealthCheck.Thresholds limits = new HealthCheck.Thresholds(
                maxBackupAge != null ? maxBackupAge : HealthCheck.Thresholds.DEFAULT_BACKUP_AGE,
                maxWalAge != null ? maxWalAge : HealthCheck.Thresholds.DEFAULT_WAL_AGE,
                maxRepoUsage != null ? maxRepoUsage : HealthCheck.Thresholds.DEFAULT_REPO_USAGE);
        StorageAddress address = StorageAddress.parse(ctx.repo, "--repo");
        HealthProbe.Space space = switch (address) {
            case StorageAddress.Local local -> HealthProbe.localSpace(local.path());
            case StorageAddress.S3 s3 -> new HealthProbe.Space.NotChecked("object storage, no filesystem to fill");
        };
        HealthProbe.ServerState server;
        if (noServer) {
            server = new HealthProbe.ServerState.Skipped();
        } else {
            PgConnector connector = ctx.connector(pgUrl, pgdata);
            server = HealthProbe.server(connector.settings().describe(), connector::open);
        }
        HealthProbe.Facts facts = new HealthProbe.Facts(
                HealthProbe.repository(address.toString(), ctx::repository),
                space,
                server,
                ctx.waldenWithRepo(ctx.repo, "wal-push %p"));
        HealthCheck.Report report = HealthCheck.evaluate(facts, limits, Instant.now());
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(report));
        } else {
            print(report, ctx.out());
        }
        return report.exitCode();
    }

    static void print(HealthCheck.Report report, PrintStream out) {
        for (HealthCheck.Finding f : report.findings()) {
            out.println(line(f));
            if (f.action() != null) {
                out.println("          do: " + f.action());
            }
        }
    }

    /** "WARNING   archive_timeout   0: ...": fixed columns so a list of findings reads as a table. */
    static String line(HealthCheck.Finding f) {
        return String.format("%-8s  %-16s  %s", f.status(), f.what(), f.detail());
    }

    static final class AgeConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return HealthCheck.Thresholds.parseAge(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PercentConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return HealthCheck.Thresholds.parsePercent(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
