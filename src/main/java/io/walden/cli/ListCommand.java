package io.walden.cli;

import io.walden.ops.BackupSummary;
import io.walden.repo.Json;
import io.walden.repo.Manifest;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** walden list. */
@Command(name = "list", description = "List the backups in the repository, oldest first.",
        footer = {"", "Example:", "  walden --repo /backups/main list --limit 5"})
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--before", paramLabel = "TIME", description = "Only backups that ended before this time, e.g. '2026-02-13 14:30:00 UTC'.")
    String before;

    @Option(names = "--limit", paramLabel = "N", description = "Only the newest N backups.")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        var repository = ctx.repository();
        Instant cutoff = before == null ? null : Times.parse(before);
        repository.requireIdentity();
        List<Manifest> backups = repository.backups().stream()
                .filter(m -> cutoff == null || m.stopTime().isBefore(cutoff)).toList();
        if (limit != null && backups.size() > limit) {
            backups = backups.subList(backups.size() - limit, backups.size());
        }
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(backups.stream().map(BackupSummary::of).toList()));
            return 0;
        }
        if (backups.isEmpty()) {
            ctx.out().println("no backups in " + repository.location());
            ctx.out().println("next: walden --repo " + repository.location() + " backup");
            return 0;
        }
        String fmt = "%-18s %-4s %-19s %-19s %-12s %-12s %3s %9s %9s %4s%n";
        ctx.out().printf(fmt, "ID", "TYPE", "START (UTC)", "STOP (UTC)", "START LSN", "STOP LSN", "TLI", "SIZE", "STORED", "PG");
        for (Manifest m : backups) {
            ctx.out().printf(fmt, m.id(), m.incremental() ? Manifest.INCREMENTAL : Manifest.FULL, Format.time(m.startTime()), Format.time(m.stopTime()), m.startLsn(), m.stopLsn(),
                    m.timeline(), Format.bytes(m.originalSize()), Format.bytes(m.storedSize()), m.pgMajor());
        }
        return 0;
    }
}
