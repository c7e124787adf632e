package io.walden.cli;

import io.walden.error.WaldenException;
import io.walden.wal.archive.WalFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** walden wal-fetch, for restore_command. */
@Command(name = "wal-fetch", description = {"Copy one archived WAL file to DEST (restore_command). Exits 1 quietly if it is not archived, 126 on"
        + " any other failure, which stops PostgreSQL's recovery instead of ending it early."},
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
        try {
            return new WalFetcher(parent.context().repository()).fetch(name, destination) ? 0 : 1;
        } catch (WaldenException e) {
            throw new StopRecovery(e.getMessage(), e.hint(), e);
        } catch (IOException | RuntimeException e) {
            throw new StopRecovery("cannot fetch WAL " + name + ": " + e, "recovery stops here instead of ending early;"
                    + " make the repository readable for this user, then run the restore again", e);
        }
    }

    /**
     * PostgreSQL reads exit status 1 as "not archived" and ends recovery there, promoting a cluster that lacks
     * everything after it. Any other failure (a damaged object, a repository it cannot read) exits 126, as a
     * shell does for "cannot execute", which makes PostgreSQL stop recovery with an error instead.
     */
    private static final class StopRecovery extends WaldenException {
        StopRecovery(String message, String hint, Throwable cause) {
            super(message, hint, 126, cause);
        }
    }
}
