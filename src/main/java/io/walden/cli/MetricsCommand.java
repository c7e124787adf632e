package io.walden.cli;

import io.walden.ops.drill.RecoveryEvent;
import io.walden.ops.metrics.MetricsText;
import io.walden.ops.metrics.Pushgateway;
import io.walden.ops.metrics.RepositoryMetrics;
import io.walden.ops.metrics.RepositoryObserver;
import io.walden.ops.metrics.RepositorySnapshot;
import io.walden.ops.metrics.ServerPosition;
import io.walden.error.WaldenException;
import io.walden.wal.Lsn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** walden metrics. */
@Command(name = "metrics", description = {"Print the repository's metrics in the Prometheus text format (the same as the daemon's"
        + " /metrics without its streaming and schedule metrics), or push them to a Pushgateway, e.g. after a cron backup.",
        "Key metrics: walden_backup_last_success_timestamp_seconds, walden_wal_archive_lag_seconds,"
                + " walden_recoverable_window_end_timestamp_seconds, walden_drill_last_passed."},
        footer = {"", "Examples:", "  walden --repo /backups/main metrics",
                "  walden --repo /backups/main backup && walden --repo /backups/main metrics --push http://pushgateway:9091"})
final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--push", paramLabel = "URL", description = "Push to this Pushgateway (its base address) instead of printing.")
    String push;

    @Option(names = "--job", paramLabel = "NAME", defaultValue = "walden", description = "The Pushgateway job label (default: walden).")
    String job;

    @Option(names = "--instance", paramLabel = "NAME", description = "The instance label (default: this host's name).")
    String instance;

    @Option(names = "--pg-url", paramLabel = "URL",
            description = "Connection to the server, to add walden_wal_archive_lag_bytes (WAL written but not yet archived).")
    String pgUrl;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        URI group = push == null ? null : Pushgateway.groupUri(push, job, instance != null ? instance : RecoveryEvent.thisHost());
        var repository = ctx.repository();
        repository.requireIdentity();
        Supplier<Optional<Lsn>> server = pgUrl == null ? Optional::empty : new ServerPosition(ctx.connector(pgUrl, null));
        RepositorySnapshot snapshot = new RepositoryObserver(repository, server).observe(Instant.now());
        if (!snapshot.readable()) {
            throw new WaldenException("cannot read the repository: " + snapshot.error(), "run 'walden verify' to see what is damaged");
        }
        MetricsText text = new MetricsText();
        RepositoryMetrics.write(text, snapshot, null);
        if (group == null) {
            ctx.out().print(text);
            return 0;
        }
        Pushgateway.push(group, text.toString());
        long samples = text.toString().lines().filter(l -> !l.startsWith("#")).count();
        ctx.out().println("pushed " + samples + " samples to " + group);
        return 0;
    }
}
