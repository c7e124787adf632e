package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.blame.Attribution;
import io.walden.ops.blame.Blame;
import io.walden.ops.blame.Effect;
import io.walden.ops.blame.Finding;
import io.walden.pg.ShellQuote;
import io.walden.repo.Json;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** walden blame. */
@Command(name = "blame", description = {
        "Which transactions destroyed a table: DROP TABLE, TRUNCATE, and DELETE or UPDATE of many rows, read from the",
        "archived WAL, worst first, each with the restore command that stops just before it.",
        "Without --table: the most destructive transactions in the window."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main blame --table public.orders",
                "  walden --repo /backups/main blame --since '2026-02-13 14:00:00 UTC' --limit 20"})
final class BlameCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--table", paramLabel = "SCHEMA.NAME", description = "The table to look at; it may no longer exist.")
    String table;

    @Option(names = "--database", paramLabel = "DB", description = "The table's database, when several have one of that name.")
    String database;

    @Option(names = "--since", paramLabel = "TIME", description = "Only transactions committed from then on; needs a zone.")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "How many transactions to list (default 10).")
    int limit;

    @Option(names = "--min-rows", paramLabel = "N", description = {"Leave out transactions that took fewer rows"
            + " (default: 1 with --table, else 100, so that everyday single-row changes do not bury the mistake)."})
    Long minRows;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        if (limit < 1) {
            throw new UsageException("--limit must be at least 1, not " + limit, "leave it out to list the 10 worst");
        }
        if (minRows != null && minRows < 1) {
            throw new UsageException("--min-rows must be at least 1, not " + minRows, "leave it out for the default");
        }
        if (database != null && table == null) {
            throw new UsageException("--database only narrows --table", "add --table SCHEMA.NAME");
        }
        Blame.Request request = new Blame.Request(Optional.ofNullable(table), Optional.ofNullable(database),
                Optional.ofNullable(since).map(Times::parse), limit, minRows != null ? minRows : table != null ? 1 : 100);
        Progress progress = new Progress(ctx.err());
        Blame.Report r;
        try {
            r = new Blame(ctx.repository()).run(request, new Blame.Progress() {
                @Override
                public void started(long totalBytes) {
                    progress.total(totalBytes);
                }

                @Override
                public void read(long bytes) {
                    progress.add(bytes);
                }
            });
        } finally {
            progress.end();
        }
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(json(r, ctx)));
            return 0;
        }
        print(r, ctx);
        return 0;
    }

    private void print(Blame.Report r, Context ctx) {
        PrintStream out = ctx.out();
        String what = r.subject() == null ? "every table" : r.subject().table() + " (database " + r.subject().database() + ")";
        out.println("blame " + what + ": WAL from backup " + r.backupId() + " (" + Times.format(r.backupStart()) + "), "
                + r.from() + " .. " + r.to() + ", " + r.segments() + " segments"
                + (r.lastCommit() == null ? "" : ", last commit " + Times.format(r.lastCommit())));
        if (r.missing() != null) {
            out.println("note: WAL " + r.missing() + " is missing; nothing after it was read");
        }
        r.notes().forEach(n -> out.println("note: " + n));
        if (r.findings().isEmpty()) {
            out.println("no committed transaction destroyed " + (minRows == null && table == null ? "100 rows or more" : "rows")
                    + (r.subject() == null ? "" : " of " + r.subject().table()) + (since == null ? "" : " since " + since)
                    + " in this WAL");
            return;
        }
        Set<Attribution> used = EnumSet.noneOf(Attribution.class);
        int n = 0;
        for (Finding f : r.findings()) {
            out.println();
            out.printf("%d. xid %d, committed %s at %s (timeline %d)%n", ++n, f.xid(), Times.format(f.commitTime()),
                    f.commitLsn(), f.timeline());
            for (Effect e : f.effects()) {
                out.printf("     %-60s database %s, %s%n", e.describe(), e.database(), e.attribution().name().toLowerCase());
                used.add(e.attribution());
            }
            out.println("   undo: " + undo(f, ctx));
            if (r.subject() != null) {
                out.println("   or, that table alone: " + undoTable(f, r.subject(), ctx));
            }
        }
        if (r.more() > 0) {
            out.println();
            out.println(r.more() + " smaller destructive transaction" + (r.more() == 1 ? "" : "s") + " not listed (--limit "
                    + (limit + r.more()) + " shows all)");
        }
        out.println();
        used.forEach(a -> out.println(a.meaning()));
    }

    /** Restores the cluster to just before the transaction's commit; the operator names where. */
    private static String undo(Finding f, Context ctx) {
        return ctx.forOperator() + " restore --pgdata PGDATA --target-xid " + f.xid() + " --exclusive";
    }

    /** Brings back only the table, next to the live one; --into's other fields come from the libpq environment. */
    private static String undoTable(Finding f, Blame.Subject subject, Context ctx) {
        return ctx.forOperator() + " restore-table --table " + ShellQuote.quote(subject.table()) + " --target-xid " + f.xid()
                + " --exclusive --into " + ShellQuote.quote("dbname=" + subject.database());
    }

    private static Map<String, Object> json(Blame.Report r, Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backup", r.backupId());
        m.put("from", r.from().toString());
        m.put("to", r.to().toString());
        m.put("segments", r.segments());
        m.put("lastCommit", r.lastCommit());
        m.put("missingSegment", r.missing());
        m.put("subject", r.subject());
        m.put("notes", r.notes());
        m.put("more", r.more());
        List<Map<String, Object>> findings = r.findings().stream().map(f -> {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("xid", f.xid());
            fm.put("commitTime", f.commitTime());
            fm.put("commitLsn", f.commitLsn().toString());
            fm.put("timeline", f.timeline());
            fm.put("rows", f.rows());
            fm.put("attribution", f.attribution());
            fm.put("effects", f.effects());
            fm.put("undo", undo(f, ctx));
            return fm;
        }).toList();
        m.put("findings", findings);
        return m;
    }
}
