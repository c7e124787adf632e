package io.walden.backup;

import io.walden.error.WaldenException;
import io.walden.repo.Repository;
import io.walden.wal.SegmentName;
import io.walden.wal.archive.ReadyFiles;
import io.walden.wal.archive.WalPusher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Stores the backup's last WAL segment from pg_wal instead of waiting for archive_command to store it. Stopping the
 * backup ends that segment (pg_backup_stop switches WAL), and archive_command takes it a moment later: with a
 * synchronous wal-push that is a JVM start and a push, about half a second that every backup waited. The backup has
 * the finished file at hand, so it pushes it; archive_command's own push of it then finds it archived.
 *
 * <p>Only where archive_command demonstrably stores into this repository, which the segment before the last one
 * being there shows (the caller asks again while it waits: archive_command may still be storing that one). Where
 * archiving goes elsewhere or nowhere the backup waits for archive_command as always, and still fails.
 */
final class StopSegmentPush {
    private final Repository repository;
    private final Path pgWal;

    StopSegmentPush(Repository repository, Path pgWal) {
        this.repository = repository;
        this.pgWal = pgWal;
    }

    /** What {@link #tryPush} did. */
    enum Outcome {
        /** The segment is in the repository. */
        PUSHED,
        /** Not yet: PostgreSQL has not finished it, or the segment before it is not stored yet; ask again later. */
        NOT_NOW,
        /** It will not push (a push that failed was told): leave the segment to archive_command. */
        FAILED
    }

    /**
     * Pushes {@code last} when the segment before it is in the repository ({@code archived}) and PostgreSQL has
     * finished it; a push that fails is told to {@code warn}.
     */
    Outcome tryPush(SegmentName last, Predicate<SegmentName> archived, Consumer<String> warn) {
        if (last.segmentNumber() == 0) {
            return Outcome.FAILED; // no segment before it can show that archiving works
        }
        SegmentName before = new SegmentName(last.timeline(), last.segmentNumber() - 1, last.segmentSize());
        if (!ReadyFiles.isFinished(pgWal, last.name()) || !archived.test(before)) {
            return Outcome.NOT_NOW;
        }
        try {
            new WalPusher(repository).push(pgWal.resolve(last.name()));
            return Outcome.PUSHED;
        } catch (WaldenException | IOException | UncheckedIOException e) {
            warn.accept("the backup could not store WAL segment " + last + " itself (" + e.getMessage()
                    + "); waiting for archive_command to store it");
            return Outcome.FAILED;
        }
    }
}
