package io.walden.cli;

import io.walden.ops.drill.CheckResult;
import io.walden.ops.drill.ChecksFile;
import io.walden.ops.drill.Drill;
import io.walden.ops.drill.DrillReport;
import io.walden.ops.drill.EventLog;
import io.walden.ops.drill.OperatorCheck;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.ops.drill.ReportFiles;
import io.walden.pg.ConnectionSettings;
import io.walden.repo.Json;
import io.walden.repo.Repository;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** walden drill. */
@Command(name = "drill", description = {
        "GameDay drill: restore a point (default: latest) into a scratch instance on 127.0.0.1 that never archives,",
        "run the checks, measure RTO and RPO, remove it, and write a report (Markdown, JSON, HTML).",
        "Built-in checks: server starts, connectivity, WAL complete, schema present, row counts, foreign keys valid,",
        "unique constraints hold. Operator checks (--checks) are a YAML list of name, database, sql, expect.",
        "Exits 1 when a check fails."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main drill --report /var/lib/walden/drills",
                "  walden --repo /backups/main drill --target-time '2026-02-13 14:30:00 UTC' --checks checks.yaml",
                "", "checks.yaml:",
                "  - name: orders kept",
                "    database: shop",
                "    sql: SELECT count(*) FROM orders",
                "    expect: 150",
                "  - name: admins",
                "    database: shop",
                "    sql: SELECT id, name FROM users WHERE admin ORDER BY id",
                "    expect: [[1, alice], [7, bob]]"})
final class DrillCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Mixin
    RecoveryPointOptions point = new RecoveryPointOptions();

    @Option(names = "--checks", paramLabel = "FILE", description = "The operator's checks: a YAML list of name, database (default postgres), sql, expect.")
    Path checks;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = ".", description = "Where to write drill-ID.md, .json and .html (default: the current directory).")
    Path report;

    @Option(names = "--keep", description = "Leave the scratch server running after the checks, to look at it; the report says how to remove it.")
    boolean keep;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port on 127.0.0.1 for the scratch server (default: a free one).")
    Integer port;

    @Option(names = "--dir", paramLabel = "DIR", description = "A new or empty scratch directory (default: a new one in the system temp directory).")
    Path dir;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "How long recovery may take (default 60).")
    long timeoutMinutes;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory with pg_ctl and postgres (env WALDEN_PG_BIN).")
    Path pgBin;

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        Context ctx = parent.context();
        RecoveryTarget recoveryTarget = point.recoveryTarget();
        // bad input is refused before anything is restored
        List<OperatorCheck> operatorChecks = checks == null ? List.of() : ChecksFile.read(checks);
        ReportFiles files = ReportFiles.in(report);
        Optional<String> backupId = point.backupId(ctx.repository());
        Optional<String> password = Optional.ofNullable(ctx.env().get("PGPASSWORD")).filter(p -> !p.isEmpty());
        Drill.Request request = new Drill.Request(started, recoveryTarget, point.exclusive, backupId, operatorChecks,
                Optional.ofNullable(dir), port == null ? OptionalInt.empty() : OptionalInt.of(port), Optional.ofNullable(pgBin),
                Duration.ofMinutes(timeoutMinutes), ctx.waldenWithRepo(ctx.repo, "wal-fetch %f %p"), productionPort(ctx),
                Optional.ofNullable(ctx.env().get("PGUSER")).filter(u -> !u.isEmpty()), password, keep);
        Repository repository = ctx.repository();
        Progress progress = new Progress(ctx.err());
        DrillReport r;
        try {
            r = new Drill(repository, line -> {
                if (!ctx.json) {
                    ctx.err().println(line);
                }
            }, progress::add).run(request);
        } finally {
            progress.end();
        }
        List<Path> written = files.write(r);
        try {
            new EventLog(repository).record(RecoveryEvent.of(r, RecoveryEvent.thisHost()));
        } catch (IOException | RuntimeException e) {
            ctx.err().println("walden: warning: the drill is not recorded in the repository (" + e.getMessage()
                    + "); the report files have it");
        }
        print(ctx, r, written);
        if (!r.passed()) {
            List<CheckResult> failed = r.failedChecks();
            ctx.err().println("walden: drill failed: check '" + failed.get(0).name() + "': " + failed.get(0).summary()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more failed: "
                    + String.join(", ", failed.subList(1, failed.size()).stream().map(CheckResult::name).toList()) + ")" : ""));
            return 1;
        }
        return 0;
    }

    private static void print(Context ctx, DrillReport r, List<Path> written) throws IOException {
        if (ctx.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("report", r);
            out.put("files", written.stream().map(Path::toString).toList());
            ctx.out().println(Json.mapper().writeValueAsString(out));
            return;
        }
        PrintStream out = ctx.out();
        out.println("drill " + r.id() + " " + (r.passed() ? "passed" : "FAILED") + ": backup " + r.backup() + " to " + r.target());
        out.println("  RTO      " + seconds(r.rtoSeconds()) + " (start to the scratch server accepting connections)");
        out.println("  RPO      " + seconds(r.rpoSeconds()) + " (recovered to " + time(r.recoveredTo()) + ", last archived commit "
                + time(r.lastArchived()) + ")");
        out.println("  WAL      " + r.walFrom() + " to " + (r.walTo() == null ? "(not replayed)" : r.walTo()));
        for (CheckResult c : r.checks()) {
            out.println(String.format("  %-7s  %-24s %s", c.status(), c.name(), c.summary()));
        }
        if (r.kept() != null) {
            out.println("  kept     psql \"" + r.kept().connection() + "\" in " + r.kept().dir());
            out.println("           remove it with: " + r.kept().stopCommand());
        }
        out.println("report: " + String.join(", ", written.stream().map(Path::toString).toList()));
        out.println("next: " + ctx.forOperator() + " report   (the history of drills and restores, with RPO and RTO)");
    }

    private static String seconds(Double s) {
        return s == null ? "unknown" : Format.duration(Duration.ofMillis(Math.round(s * 1000)));
    }

    private static String time(Instant t) {
        return t == null ? "unknown" : Times.format(t);
    }


    /** The port walden reaches the production server on (PGPORT, else 5432): the scratch server never takes it. */
    private static int productionPort(Context ctx) {
        try {
            return ConnectionSettings.resolve(Optional.empty(), ctx.env(), Optional.empty()).port();
        } catch (RuntimeException e) {
            return ConnectionSettings.DEFAULT_PORT;
        }
    }
}
