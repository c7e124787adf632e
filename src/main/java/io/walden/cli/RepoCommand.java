package io.walden.cli;

import io.walden.repo.Json;
import io.walden.repo.RepositoryInventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** walden repo info. */
@Command(name = "repo", description = "Look at the repository itself.", subcommands = RepoCommand.Info.class,
        footer = {"", "Example:", "  walden --repo s3://backups/main/15 repo info"})
final class RepoCommand implements Runnable {
    @ParentCommand
    WaldenCommand parent;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(parent.context().out());
    }

    @Command(name = "info", description = "Where the repository is, whose it is, what it holds, and the compressions and key ids its objects use.",
            footer = {"", "Example:", "  walden --repo /backups/main repo info --json"})
    static final class Info implements Callable<Integer> {
        @ParentCommand
        RepoCommand repo;

        @Override
        public Integer call() throws Exception {
            Context ctx = repo.parent.context();
            RepositoryInventory.Report r = new RepositoryInventory(ctx.repository()).take();
            if (ctx.json) {
                ctx.out().println(Json.mapper().writeValueAsString(r));
                return 0;
            }
            var id = r.identity();
            var out = ctx.out();
            out.println("repository   " + r.location());
            out.println("cluster      system identifier " + id.systemIdentifier() + ", PostgreSQL " + id.pgMajor()
                    + ", WAL segments " + Format.bytes(id.walSegmentSize()));
            out.println("created      " + Format.time(id.created()) + " UTC, encryption " + id.encryption());
            out.println("backups      " + r.backups() + (r.backups() == 0 ? "" : " (oldest " + r.oldestBackup() + ", newest " + r.newestBackup() + ")")
                    + ", " + r.backupObjects().objects() + " objects, " + Format.bytes(r.backupObjects().bytes()));
            out.println("wal          " + r.walObjects().objects() + " files, " + Format.bytes(r.walObjects().bytes())
                    + (r.firstWal() == null ? "" : " (" + r.firstWal() + " .. " + r.lastWal() + ")"));
            out.println("total        " + Format.bytes(r.totalBytes()));
            out.println("compression  " + counts(r.objectsByCompression()));
            out.println("keys         " + counts(r.objectsByKey()));
            return 0;
        }

        private static String counts(Map<String, Long> m) {
            if (m.isEmpty()) {
                return "-";
            }
            return m.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " objects)").collect(Collectors.joining(", "));
        }
    }
}
