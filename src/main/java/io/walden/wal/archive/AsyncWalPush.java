package io.walden.wal.archive;

import io.walden.error.WaldenException;
import io.walden.wal.WalFileName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * wal-push --async: makes sure the background archiver of this cluster and repository runs, then waits until
 * the spool says the requested file is durable in the repository (exit 0) or that pushing it failed (the
 * archiver's message, exit 1, and PostgreSQL retries). It never answers from anything but a marker written
 * after a push returned, for this very file (same inode, size and times).
 *
 * <p>A file PostgreSQL has not marked ready is not the archiver's business (someone running wal-push by hand):
 * it is pushed here and now, as without --async.
 */
public final class AsyncWalPush {
    /** How often an archiver that keeps dying is started again before wal-push gives up. */
    private static final int MAX_STARTS = 3;
    private static final long POLL_MILLIS = 3;

    private final WalPusher direct;
    private final ArchiverLauncher launcher;
    private final RepositoryKey repository;
    private final ArchiverLauncher.ArchiverOptions options;

    public AsyncWalPush(WalPusher direct, ArchiverLauncher launcher, RepositoryKey repository,
                        ArchiverLauncher.ArchiverOptions options) {
        this.direct = direct;
        this.launcher = launcher;
        this.repository = repository;
        this.options = options;
    }

    /** @param spoolDir the spool, or null for the default inside pg_wal */
    public void push(Path path, Path spoolDir) throws IOException, InterruptedException {
        WalFileName file = WalPusher.checkFile(path);
        Path pgWal = path.toAbsolutePath().getParent();
        Path spoolPath = spoolDir != null ? spoolDir.toAbsolutePath() : ArchiveSpool.defaultLocation(pgWal);
        ArchiveSpool spool = ArchiveSpool.open(spoolPath, pgWal, repository);
        WalFileIdentity identity = WalFileIdentity.of(path);
        if (spool.isArchived(file.name(), identity)) {
            return;
        }
        if (!ReadyFiles.isReady(pgWal, file.name())) {
            direct.push(path);
            return;
        }
        spool.clearFailure(file.name()); // this call wants a fresh attempt, not the report of an older one
        waitForArchiver(spool, pgWal, spoolPath, file.name(), identity);
    }

    private void waitForArchiver(ArchiveSpool spool, Path pgWal, Path spoolPath, String name, WalFileIdentity identity)
            throws IOException, InterruptedException {
        Process started = null;
        int starts = 0;
        while (true) {
            if (spool.isArchived(name, identity)) {
                return;
            }
            Optional<ArchiveSpool.Failure> failure = spool.failure(name, identity);
            if (failure.isPresent()) {
                throw failure.get().exception();
            }
            boolean running = ArchiverLease.running(spool).isPresent() || started != null && started.isAlive();
            if (!running) {
                if (starts == MAX_STARTS) {
                    throw new WaldenException("the background archiver for " + pgWal + " stopped " + starts
                            + " times without archiving " + name + lastLogLine(spool),
                            "its log is " + spool.logFile() + "; PostgreSQL will retry; without --async wal-push archives by itself");
                }
                started = launcher.start(spool, pgWal, spoolPath, options);
                starts++;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static String lastLogLine(ArchiveSpool spool) {
        try {
            List<String> lines = Files.readAllLines(spool.logFile());
            return lines.isEmpty() ? "" : " (its last words: " + lines.get(lines.size() - 1).strip() + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
