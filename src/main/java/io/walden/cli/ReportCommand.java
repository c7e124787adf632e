package io.walden.cli;

import io.walden.ops.drill.EventLog;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.repo.Json;
import io.walden.repo.Repository;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** walden report. */
@Command(name = "report", description = {
        "The history of drills and restores kept in the repository, with RPO and RTO per event, for the post-incident",
        "write-up. RPO: committed work a restore did not bring back; RTO: time to a server accepting connections."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main report",
                "  walden --repo /backups/main report --since '2026-02-01 00:00:00 UTC' --json"})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--since", paramLabel = "TIME", description = "Only events that started at or after this time, e.g. '2026-02-01 00:00:00 UTC'.")
    String since;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        Optional<Instant> from = Optional.ofNullable(since).map(Times::parse);
        Repository repository = ctx.repository();
        repository.requireIdentity();
        List<RecoveryEvent> events = new EventLog(repository).since(from);
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(events));
            return 0;
        }
        PrintStream out = ctx.out();
        String walden = ctx.forOperator();
        if (events.isEmpty()) {
            out.println("no drills or restores recorded in the repository at " + repository.location()
                    + from.map(t -> " since " + Times.format(t)).orElse(""));
            out.println("next: " + walden + " drill   (restore into a scratch instance, check it, measure RPO and RTO)");
            return 0;
        }
        out.println(String.format("%-27s %-8s %-10s %-20s %-10s %-10s %s", "started", "kind", "outcome", "backup", "RPO", "RTO", "target"));
        for (RecoveryEvent e : events) {
            out.println(String.format("%-27s %-8s %-10s %-20s %-10s %-10s %s%s", Times.format(e.started()), e.kind(), e.outcome(),
                    e.backup(), seconds(e.rpoSeconds()), seconds(e.rtoSeconds()), e.target(),
                    e.failed().isEmpty() ? "" : "  failed: " + String.join(", ", e.failed())));
        }
        long drills = events.stream().filter(e -> e.kind().equals("drill")).count();
        long failed = events.stream().filter(e -> e.outcome().equals("failed")).count();
        out.println(events.size() + " events: " + drills + " drills (" + failed + " failed), " + (events.size() - drills)
                + " restores; worst RPO " + seconds(worst(events, true)) + ", worst RTO " + seconds(worst(events, false)));
        RecoveryEvent lastDrill = events.stream().filter(e -> e.kind().equals("drill")).reduce((a, b) -> b).orElse(null);
        out.println("next: " + walden + " drill" + (lastDrill == null ? "   (no drill yet: prove a restore works)"
                : "   (last drill " + Times.format(lastDrill.started()) + ")"));
        return 0;
    }

    private static Double worst(List<RecoveryEvent> events, boolean rpo) {
        return events.stream().map(e -> rpo ? e.rpoSeconds() : e.rtoSeconds()).filter(java.util.Objects::nonNull)
                .max(Double::compare).orElse(null);
    }

    private static String seconds(Double s) {
        return s == null ? "-" : Format.duration(Duration.ofMillis(Math.round(s * 1000)));
    }
}
