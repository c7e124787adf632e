package io.walden.cli;

import io.walden.ops.Retention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** walden keep / unkeep: pin a backup so retention never deletes it. */
final class KeepCommand {
    private KeepCommand() {
    }

    @Command(name = "keep", description = "Pin a backup: 'walden delete' never deletes it.",
            footer = {"", "Example:", "  walden --repo /backups/main keep 20260213T150000Z"})
    static final class Keep implements Callable<Integer> {
        @ParentCommand
        WaldenCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            new Retention(parent.context().repository()).pin(id);
            parent.context().out().println("backup " + id + " is pinned; 'walden unkeep " + id + "' releases it");
            return 0;
        }
    }

    @Command(name = "unkeep", description = "Release a pinned backup to the retention policy.",
            footer = {"", "Example:", "  walden --repo /backups/main unkeep 20260213T150000Z"})
    static final class Unkeep implements Callable<Integer> {
        @ParentCommand
        WaldenCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            new Retention(parent.context().repository()).unpin(id);
            parent.context().out().println("backup " + id + " is no longer pinned");
            return 0;
        }
    }
}
