package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.pg.DirectoryTree;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgCtl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Puts back what a killed restore changed, from the journal it left ({@link RestoreJournal}): stops the
 * server it started, removes the half-written PGDATA and moves the pre-restore snapshot back, so the next
 * restore starts from the state the killed one found. Each step can itself be interrupted and done again. A restore in place (--delta) has no snapshot: its
 * PGDATA stays as it is and the next restore resumes it.
 */
final class LeftoverRestore {
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

    private final Path pgdata;
    private final Optional<Path> pgBin;
    private final Consumer<String> say;

    LeftoverRestore(Path pgdata, Optional<Path> pgBin, Consumer<String> say) {
        this.pgdata = pgdata;
        this.pgBin = pgBin;
        this.say = say;
    }

    /**
     * Undoes an interrupted restore, if one left its journal; returns it, so the caller knows whether the
     * old server was running before that restore stopped it.
     */
    Optional<RestoreJournal.Entry> putBack() throws IOException {
        Optional<RestoreJournal.Entry> found = RestoreJournal.read(pgdata);
        if (found.isEmpty()) {
            return found;
        }
        RestoreJournal.Entry e = found.get();
        if (e.writerAlive()) {
            throw new WaldenException("a restore into " + pgdata + " is already running (process " + e.pid() + ", backup "
                    + e.backupId() + ", since " + e.started() + ")", "wait for it to finish, then check with 'walden status'");
        }
        // the server the killed restore started goes on replaying WAL on its own: it must stop before its files go
        new PgCtl(PgBinaries.locate(e.pgMajor(), pgBin), pgdata, e.osUser()).stop("immediate", STOP_TIMEOUT);
        Path snapshot = Path.of(e.snapshot());
        String done = switch (e.phase()) {
            case DONE -> "it had finished";
            case STOPPING, MOVING_ASIDE, WRITING, RECOVERING, ROLLING_BACK -> e.inPlace()
                    ? pgdata + " is kept, to be restored in place again"
                    : e.phase() == RestoreJournal.Phase.STOPPING ? pgdata + " was not changed" : undo(e, snapshot);
        };
        RestoreJournal.remove(RestoreJournal.fileFor(pgdata));
        say.accept("found a restore of backup " + e.backupId() + " into " + pgdata + " interrupted while "
                + e.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + done);
        return found;
    }

    private String undo(RestoreJournal.Entry e, Path snapshot) throws IOException {
        switch (e.priorState()) {
            case "MISSING" -> {
                DirectoryTree.delete(pgdata);
                return "removed what it had written; " + pgdata + " is missing again, as it was";
            }
            case "EMPTY" -> {
                if (Files.isDirectory(pgdata)) {
                    DirectoryTree.deleteContents(pgdata);
                }
                return "removed what it had written; " + pgdata + " is empty again, as it was";
            }
            default -> {
                return putSnapshotBack(e, snapshot);
            }
        }
    }

    /**
     * While moving aside, the rename may not have happened: PGDATA present means it is still the original
     * (and a snapshot beside it is an older one). Later, the snapshot is the original and PGDATA is new.
     */
    private String putSnapshotBack(RestoreJournal.Entry e, Path snapshot) throws IOException {
        boolean pgdataThere = Files.exists(pgdata, LinkOption.NOFOLLOW_LINKS);
        boolean snapshotThere = Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS);
        if (e.phase() == RestoreJournal.Phase.MOVING_ASIDE && pgdataThere) {
            return pgdata + " was not moved, so it was not changed";
        }
        if (e.phase() == RestoreJournal.Phase.ROLLING_BACK && !snapshotThere && pgdataThere) {
            return "the previous PGDATA had already been put back";
        }
        if (!snapshotThere) {
            throw new WaldenException("a restore of backup " + e.backupId() + " into " + pgdata + " was interrupted, and the previous PGDATA"
                    + " it moved aside is not in " + snapshot + "; nothing was changed",
                    "look for the previous PGDATA by hand; when " + pgdata + " is the one to keep, remove "
                            + RestoreJournal.fileFor(pgdata) + " and run the restore again");
        }
        RestoreJournal.resume(pgdata, e).at(RestoreJournal.Phase.ROLLING_BACK);
        DirectoryTree.delete(pgdata);
        Files.move(snapshot, pgdata);
        RestoreJournal.fsyncDirectory(pgdata.getParent());
        return "put the previous PGDATA back from " + snapshot;
    }
}
