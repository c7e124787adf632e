package io.walden.ops;

import io.walden.error.WaldenException;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryIdentity;
import io.walden.restore.RecoverableWindow;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestorePlanner;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What can be restored right now: the recoverable window on the newest timeline (from the oldest backup's
 * end to the last archived commit), each timeline's archived segments and gaps, the named restore points,
 * and the archive lag: how much committed work a restore would lose if the server died now.
 */
public final class RecoveryStatus {

    /**
     * Segments missing on a timeline.
     *
     * @param lastCommitBefore the last commit in the segment before the gap, when it has one
     * @param firstCommitAfter the first commit in the segment after it, when it has one
     */
    public record Gap(String from, String to, long segments, Instant lastCommitBefore, Instant firstCommitAfter) {}

    public record Timeline(int timeline, long segments, String firstSegment, String lastSegment, List<Gap> gaps,
                           Instant firstCommit, Instant lastCommit) {}

    public record NamedPoint(String name, Lsn lsn, Instant time, int timeline) {}

    public record Report(String repository, int pgMajor, String systemIdentifier, int backups, String latestBackup,
                         Instant latestBackupEnd, RecoverableWindow window, String windowProblem, Instant lastArchivedCommit,
                         Duration archiveLag, List<Timeline> timelines, List<NamedPoint> restorePoints,
                         long segmentsWithoutSummary) {}

    /** Where the decoded summaries of archived segments come from. */
    public interface SummarySource {
        Map<String, SegmentSummary> of(List<ArchivedWal> wal) throws IOException;
    }

    private final Repository repository;
    private final SummarySource summarySource;

    public RecoveryStatus(Repository repository) {
        this(repository, repository::walSummaries);
    }

    /** With summaries from {@code source}, e.g. a cache kept between looks by a long-running process. */
    public RecoveryStatus(Repository repository, SummarySource source) {
        this.repository = repository;
        this.summarySource = source;
    }

    public Report take(Instant now) throws IOException {
        RepositoryIdentity identity = repository.requireIdentity();
        List<Manifest> backups = repository.backups();
        List<ArchivedWal> wal = repository.wal();
        Map<String, SegmentSummary> summaries = summarySource.of(wal);
        long segSize = identity.walSegmentSize();

        Map<Integer, List<SegmentName>> byTimeline = new TreeMap<>();
        long withoutSummary = 0;
        for (ArchivedWal w : wal) {
            if (w.file().kind() == WalFileName.Kind.SEGMENT) {
                byTimeline.computeIfAbsent(w.file().timeline(), t -> new ArrayList<>()).add(SegmentName.parse(w.file().name(), segSize));
                if (!summaries.containsKey(w.file().name())) {
                    withoutSummary++;
                }
            }
        }
        List<Timeline> timelines = new ArrayList<>();
        Instant lastCommit = null;
        for (var e : byTimeline.entrySet()) {
            List<SegmentName> segs = e.getValue().stream().sorted().toList();
            List<Gap> gaps = new ArrayList<>();
            Instant tliCommit = null;
            Instant tliFirst = null;
            for (int i = 0; i < segs.size(); i++) {
                SegmentSummary s = summaries.get(segs.get(i).name());
                if (i > 0 && segs.get(i).segmentNumber() != segs.get(i - 1).segmentNumber() + 1) {
                    SegmentName from = segs.get(i - 1).next();
                    SegmentName to = new SegmentName(e.getKey(), segs.get(i).segmentNumber() - 1, segSize);
                    SegmentSummary before = summaries.get(segs.get(i - 1).name());
                    gaps.add(new Gap(from.name(), to.name(), to.segmentNumber() - from.segmentNumber() + 1,
                            before == null ? null : before.lastCommitTime(), s == null ? null : s.firstCommitTime()));
                }
                if (s != null && s.lastCommitTime() != null && (tliCommit == null || s.lastCommitTime().isAfter(tliCommit))) {
                    tliCommit = s.lastCommitTime();
                }
                if (s != null && s.firstCommitTime() != null && (tliFirst == null || s.firstCommitTime().isBefore(tliFirst))) {
                    tliFirst = s.firstCommitTime();
                }
            }
            if (tliCommit != null && (lastCommit == null || tliCommit.isAfter(lastCommit))) {
                lastCommit = tliCommit;
            }
            timelines.add(new Timeline(e.getKey(), segs.size(), segs.get(0).name(), segs.get(segs.size() - 1).name(), gaps, tliFirst,
                    tliCommit));
        }

        List<NamedPoint> points = new ArrayList<>();
        summaries.values().forEach(s -> s.restorePoints().forEach(p -> points.add(new NamedPoint(p.name(), p.lsn(), p.time(), s.timeline()))));
        points.sort(java.util.Comparator.comparing(NamedPoint::lsn));

        RecoverableWindow window = null;
        String problem = null;
        if (backups.isEmpty()) {
            problem = "no backups: nothing can be restored; take one with 'walden backup'";
        } else {
            try {
                window = new RestorePlanner(backups, wal, summaries, this::history, repository.location())
                        .plan(new RecoveryTarget.Latest(), Optional.empty(), Optional.empty(), Optional.empty()).window();
            } catch (WaldenException ex) {
                problem = ex.getMessage();
            }
        }
        if (window != null && !summaries.isEmpty()) {
            // what a restore reaches is on the newest timeline's lineage; commits a PITR left behind do not count
            lastCommit = window.to();
        }
        Manifest latest = backups.isEmpty() ? null : backups.get(backups.size() - 1);
        return new Report(repository.location(), identity.pgMajor(), identity.systemIdentifier(), backups.size(),
                latest == null ? null : latest.id(), latest == null ? null : latest.stopTime(), window, problem, lastCommit,
                lastCommit == null ? null : Duration.between(lastCommit, now), timelines, points, withoutSummary);
    }

    private io.walden.wal.TimelineHistory history(int tli) {
        try {
            return repository.history(tli);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
