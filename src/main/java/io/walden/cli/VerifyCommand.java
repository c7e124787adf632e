package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.Verifier;
import io.walden.repo.Json;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

/** walden verify. */
@Command(name = "verify", description = "Read the repository back: every object of the backups (checksums, decryption, manifest)"
        + " and the WAL from each backup's start along its timelines. Exits 1 when anything would stop a restore.",
        footer = {"", "Examples:", "  walden --repo /backups/main verify --all",
                "  walden --repo /backups/main verify --from '2026-02-13 00:00 UTC' --to '2026-02-13 14:30 UTC'"})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A backup id or LATEST (default: the latest backup).")
    String backupId;

    @Option(names = "--all", description = "Every backup.")
    boolean all;

    @Option(names = "--from", paramLabel = "TIME", description = "Check what a restore to any time from TIME needs.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "With --from: up to TIME (default: the end of the archive).")
    String to;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        if (backupId != null && (all || from != null)) {
            throw new UsageException("give a backup ID, --all or --from, not several", "e.g. 'walden verify --all'");
        }
        if (to != null && from == null) {
            throw new UsageException("--to needs --from", "e.g. --from '2026-02-13 00:00 UTC' --to '2026-02-13 14:30 UTC'");
        }
        Verifier.Scope scope = new Verifier.Scope(Optional.ofNullable(backupId), all,
                Optional.ofNullable(from).map(Times::parse), Optional.ofNullable(to).map(Times::parse));
        Verifier.Report r = new Verifier(ctx.repository()).run(scope);
        if (ctx.json) {
            ctx.out().println(Json.mapper().writeValueAsString(r));
            return r.clean() ? 0 : 1;
        }
        PrintStream out = ctx.out();
        for (Verifier.BackupResult b : r.backups()) {
            out.println((b.problems().isEmpty() ? "ok       " : "PROBLEM  ") + "backup " + b.id() + ": " + b.objects() + " objects, "
                    + b.files() + " files, " + Format.bytes(b.bytes()) + " read back");
            b.problems().forEach(p -> out.println("         " + p.where() + " " + p.what()));
        }
        out.println((r.walProblems().isEmpty() ? "ok       " : "PROBLEM  ") + "WAL: " + r.walSegmentsRead() + " segments read back");
        r.walProblems().forEach(p -> out.println("         " + p.where() + " " + p.what()));
        for (String id : r.incomplete()) {
            out.println("note     backup " + id + " is incomplete (no manifest: interrupted, or still running) and is never used;"
                    + " remove it with: walden delete --incomplete --confirm");
        }
        if (!r.clean()) {
            ctx.err().println("walden: the repository at " + r.repository() + " has problems (above)");
            ctx.err().println("HINT: restore from a backup without problems (--backup ID) and take a new backup now: walden backup");
            return 1;
        }
        return 0;
    }
}
