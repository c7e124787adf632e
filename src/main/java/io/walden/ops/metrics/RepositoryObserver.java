package io.walden.ops.metrics;

import io.walden.ops.BackupSummary;
import io.walden.ops.RecoveryStatus;
import io.walden.ops.drill.EventLog;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.repo.Repository;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Looks at a repository (and, when it can, the server) and says what a scrape or a status page shows. */
public final class RepositoryObserver {
    private final Repository repository;
    private final Supplier<Optional<Lsn>> serverPosition;
    private final SummaryCache summaries;

    /**
     * @param serverPosition the server's current WAL position, empty when there is no connection or it failed
     */
    public RepositoryObserver(Repository repository, Supplier<Optional<Lsn>> serverPosition) {
        this.repository = repository;
        this.serverPosition = serverPosition;
        this.summaries = new SummaryCache(repository);
    }

    /** Segment headers read so far: each once, however often the repository is looked at. */
    public long summaryReads() {
        return summaries.reads();
    }

    /** Never throws for an unreadable repository: the snapshot says why instead, so metrics keep being served. */
    public RepositorySnapshot observe(Instant now) {
        try {
            if (repository.identity().isEmpty()) {
                // a daemon may start before the first backup or archived segment: nothing to show is not a failure
                return new RepositorySnapshot(now, null, List.of(), null, null, serverPosition.get().orElse(null), null);
            }
            RecoveryStatus.Report status = new RecoveryStatus(repository, summaries).take(now);
            List<Map<String, Object>> backups = repository.backups().stream().map(BackupSummary::of).toList();
            RecoveryEvent drill = new EventLog(repository).latest("drill").orElse(null);
            Lsn archivedEnd = null;
            if (!status.timelines().isEmpty()) {
                long segmentSize = repository.requireIdentity().walSegmentSize();
                RecoveryStatus.Timeline newest = status.timelines().get(status.timelines().size() - 1);
                archivedEnd = SegmentName.parse(newest.lastSegment(), segmentSize).endLsn();
            }
            return new RepositorySnapshot(now, status, backups, drill, archivedEnd, serverPosition.get().orElse(null), null);
        } catch (IOException | RuntimeException e) {
            return RepositorySnapshot.failed(now, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
