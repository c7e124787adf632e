package io.walden.cli;

import io.walden.ops.RecoveryStatus;
import io.walden.repo.Json;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** walden status. */
@Command(name = "status", description = "What you can restore now: the recoverable window, WAL gaps, restore points, archive lag.",
        footer = {"", "Example:", "  walden --repo /backups/main status --json"})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        RecoveryStatus.Report r = new RecoveryStatus(ctx.repository()).take(Instant.now());
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(r));
            return 0;
        }
        PrintStream out = ctx.out();
        out.println("repository     " + r.repository() + " (PostgreSQL " + r.pgMajor() + ", system " + r.systemIdentifier() + ")");
        out.println("backups        " + r.backups() + (r.latestBackup() == null ? ""
                : ", latest " + r.latestBackup() + " ended " + Times.format(r.latestBackupEnd()) + " (" + ago(r.latestBackupEnd()) + " ago)"));
        if (r.window() != null) {
            out.println("recoverable    " + r.window().describe());
        } else {
            out.println("recoverable    nothing: " + r.windowProblem());
        }
        out.println("archive lag    " + (r.lastArchivedCommit() == null ? "no commit in the archived WAL"
                : "last archived commit " + Times.format(r.lastArchivedCommit()) + ", " + Format.duration(r.archiveLag())
                + " ago (the work a restore would lose now)"));
        for (RecoveryStatus.Timeline t : r.timelines()) {
            out.println("timeline " + String.format("%-5d", t.timeline()) + " " + t.segments() + " segments " + t.firstSegment()
                    + " .. " + t.lastSegment() + (t.gaps().isEmpty() ? ", no gaps" : ", " + t.gaps().size() + " gap(s):"));
            for (RecoveryStatus.Gap g : t.gaps()) {
                out.println("               missing " + g.from() + " .. " + g.to() + " (" + g.segments() + " segments)");
            }
        }
        for (RecoveryStatus.NamedPoint p : r.restorePoints()) {
            out.println("restore point  '" + p.name() + "' at " + p.lsn() + ", " + Times.format(p.time()) + " (timeline " + p.timeline() + ")");
        }
        if (r.segmentsWithoutSummary() > 0) {
            out.println("note           " + r.segmentsWithoutSummary() + " segments were archived without a decoded summary;"
                    + " their commits are not counted");
        }
        if (r.window() != null) {
            out.println("next: walden --repo " + r.repository() + " restore --pgdata PGDATA --target-time '" + Times.format(r.window().to()) + "'");
        }
        return 0;
    }

    private static String ago(Instant t) {
        return Format.duration(Duration.between(t, Instant.now()));
    }
}
