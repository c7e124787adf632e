package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.Retention;
import io.walden.ops.RetentionPlanner;
import io.walden.repo.ArchivedWal;
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

/** walden delete: retention. */
@Command(name = "delete", description = "Delete backups and WAL a retention policy no longer needs, and what interrupted backups"
        + " left. Prints the plan; deletes only with --confirm. The newest backup, pinned backups ('walden keep') and WAL a kept"
        + " backup needs stay.",
        footer = {"", "Examples:", "  walden --repo /backups/main delete --retain-full 7            # dry run",
                "  walden --repo /backups/main delete --older-than 30d --confirm",
                "  walden --repo /backups/main delete --incomplete --confirm"})
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--retain-full", paramLabel = "N", description = "Keep the newest N backups.")
    Integer retainFull;

    @Option(names = "--before", paramLabel = "TIME", description = "Delete backups that ended before TIME.")
    String before;

    @Option(names = "--older-than", paramLabel = "AGE", description = "Keep what restores to any time in the last AGE need (e.g. 30d, 48h).")
    String olderThan;

    @Option(names = "--incomplete", description = "Only delete what interrupted backups left (backups without a manifest);"
            + " every delete with --confirm removes those too.")
    boolean incomplete;

    @Option(names = "--confirm", description = "Delete; without it nothing is deleted.")
    boolean confirm;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0", description = "Wait this long for a running backup.")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        Retention retention = new Retention(ctx.repository());
        PrintStream out = ctx.out();
        String verb = confirm ? "deleted" : "would delete";
        if (!incomplete || retainFull != null || before != null || olderThan != null) {
            retain(retention, out, verb);
        }
        List<String> leftovers = confirm ? retention.removeIncomplete(Duration.ofSeconds(waitSeconds)) : retention.incomplete();
        for (String id : leftovers) {
            out.println(verb + "  incomplete backup " + id + " (no manifest: interrupted)");
        }
        if (incomplete && leftovers.isEmpty()) {
            out.println("no incomplete backups");
        }
        if (!confirm) {
            out.println("dry run: nothing was deleted; run again with --confirm to delete");
        }
        return 0;
    }

    private void retain(Retention retention, PrintStream out, String verb) throws java.io.IOException {
        RetentionPlanner.Policy policy = new RetentionPlanner.Policy(Optional.ofNullable(retainFull),
                Optional.ofNullable(before).map(Times::parse), Optional.ofNullable(olderThan).map(DeleteCommand::age));
        Instant now = Instant.now();
        RetentionPlanner.Plan plan = confirm ? retention.execute(policy, now, Duration.ofSeconds(waitSeconds)) : retention.plan(policy, now);
        String column = "%-" + (verb.length() + 2) + "s"; // "keep" lines up under the verb
        for (RetentionPlanner.Decision d : plan.backups()) {
            out.println(String.format(column, d.delete() ? verb : "keep") + "backup " + d.backup().id()
                    + " (ended " + Times.format(d.backup().stopTime()) + ", " + Format.bytes(d.backup().storedSize()) + ")"
                    + (d.delete() ? "" : ": " + d.reason()));
        }
        List<ArchivedWal> wal = plan.walToDelete();
        if (!wal.isEmpty()) {
            out.println(verb + "  " + wal.size() + " WAL files " + wal.get(0).file().name() + " .. " + wal.get(wal.size() - 1).file().name());
        }
        out.println((confirm ? "freed " : "would free ") + Format.bytes(plan.bytesFreed()));
    }

    static Duration age(String text) {
        try {
            return io.walden.ops.HealthCheck.Thresholds.parseAge(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), "e.g. --older-than 30d");
        }
    }
}
