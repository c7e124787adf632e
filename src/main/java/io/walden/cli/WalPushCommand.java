package io.walden.cli;

import io.walden.wal.archive.WalPusher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** walden wal-push, for archive_command. */
@Command(name = "wal-push", description = "Archive one WAL file (archive_command). Pushing the same file twice is fine.",
        footer = {"", "Example (postgresql.conf):", "  archive_command = 'walden --repo /backups/main wal-push %%p'"})
final class WalPushCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Parameters(index = "0", paramLabel = "PATH", description = "The WAL file (%%p).")
    Path path;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        new WalPusher(ctx.repository()).push(path);
        return 0;
    }
}
