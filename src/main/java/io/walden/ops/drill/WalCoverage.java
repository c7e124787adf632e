package io.walden.ops.drill;

import io.walden.repo.ArchivedWal;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentSummary;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The archived WAL on one timeline's lineage from a backup's start: its last segment, its last commit (what
 * a restore should reach; RPO is measured against it) and the first missing segment that hides later ones.
 * Unlike the recoverable window, which ends at the first gap, this looks past gaps: a gap that a restore to
 * "latest" silently stops at is exactly what a drill must catch.
 *
 * @param lastCommit          the newest commit archived on the lineage, or null without decoded summaries
 * @param firstMissing        the first segment missing before later archived ones, if any
 * @param unreachableSegments archived segments after {@code firstMissing}, which no restore can replay
 */
public record WalCoverage(String firstSegment, String lastSegment, Instant lastCommit, Optional<String> firstMissing,
                          int unreachableSegments) {

    public static WalCoverage of(List<ArchivedWal> wal, Map<String, SegmentSummary> summaries, TimelineHistory history,
                                 String startSegment, long segmentSize) {
        SegmentName start = SegmentName.parse(startSegment, segmentSize);
        TreeMap<Long, SegmentName> lineage = new TreeMap<>();
        for (ArchivedWal w : wal) {
            if (w.file().kind() != WalFileName.Kind.SEGMENT) {
                continue;
            }
            SegmentName s = SegmentName.parse(w.file().name(), segmentSize);
            if (s.segmentNumber() >= start.segmentNumber() && s.equals(onLineage(s, history))) {
                lineage.put(s.segmentNumber(), s);
            }
        }
        Instant lastCommit = null;
        for (SegmentName s : lineage.values()) {
            SegmentSummary summary = summaries.get(s.name());
            if (summary != null && summary.lastCommitTime() != null && (lastCommit == null || summary.lastCommitTime().isAfter(lastCommit))) {
                lastCommit = summary.lastCommitTime();
            }
        }
        if (lineage.isEmpty()) {
            return new WalCoverage(null, null, null, Optional.of(onLineage(start, history).name()), 0);
        }
        Optional<String> missing = Optional.empty();
        int unreachable = 0;
        long n = start.segmentNumber();
        for (long number : lineage.keySet()) {
            if (missing.isEmpty() && number != n) {
                missing = Optional.of(onLineage(new SegmentName(start.timeline(), n, segmentSize), history).name());
            }
            if (missing.isPresent()) {
                unreachable++;
            }
            n = number + 1;
        }
        return new WalCoverage(lineage.firstEntry().getValue().name(), lineage.lastEntry().getValue().name(), lastCommit, missing,
                unreachable);
    }

    /** The copy of a segment that recovery along this lineage reads: the newest timeline begun by its end. */
    private static SegmentName onLineage(SegmentName s, TimelineHistory history) {
        return s.onTimeline(history.timelineAt(s.endLsn().plus(-1)));
    }
}
