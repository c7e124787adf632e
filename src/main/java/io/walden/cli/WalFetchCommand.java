package io.walden.cli;

import io.walden.wal.archive.WalFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** walden wal-fetch, for restore_command. */
@Command(name = "wal-fetch", description = "Copy one archived WAL file to DEST (restore_command). Exits 1 quietly if it is not archived.",
        footer = {"", "Example (postgresql.conf):", "  restore_command = 'walden --repo /backups/main wal-fetch %%f %%p'"})
final class WalFetchCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file name (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p).")
    Path destination;

    @Override
    public Integer call() throws Exception {
        return new WalFetcher(parent.context().repository()).fetch(name, destination) ? 0 : 1;
    }
}
