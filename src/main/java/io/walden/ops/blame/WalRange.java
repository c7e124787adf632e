package io.walden.ops.blame;

import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.restore.ReplayOrder;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The archived segments a recovery from a backup would read, in order, on the newest timeline that
 * descends from it, up to the first one missing.
 *
 * @param missing the first segment of the lineage that is not archived while later ones are; empty when the
 *                range simply ends at the newest archived segment
 */
record WalRange(List<SegmentName> segments, Optional<SegmentName> missing) {

    static WalRange from(Repository repository, Manifest backup, List<ArchivedWal> wal) throws IOException {
        long segmentSize = backup.walSegmentSize();
        Set<String> archived = new HashSet<>();
        int newest = backup.timeline();
        for (ArchivedWal w : wal) {
            archived.add(w.file().name());
            if (w.file().kind() == WalFileName.Kind.SEGMENT) {
                newest = Math.max(newest, w.file().timeline());
            }
        }
        TimelineHistory history = lineage(repository, backup, newest, archived);
        // what a recovery would read, up to the first segment it could not get
        List<SegmentName> segments = new ArrayList<>();
        SegmentName expected = SegmentName.parse(backup.startSegment(), segmentSize);
        for (String name : ReplayOrder.of(backup, history, wal)) {
            SegmentName s = SegmentName.parse(name, segmentSize);
            if (s.segmentNumber() != expected.segmentNumber()) {
                return new WalRange(segments, Optional.of(expected.onTimeline(history.timelineAt(expected.endLsn().plus(-1)))));
            }
            segments.add(s);
            expected = s.next();
        }
        return new WalRange(segments, Optional.empty());
    }

    /** The newest timeline whose history holds the backup, else the backup's own. */
    private static TimelineHistory lineage(Repository repository, Manifest backup, int newest, Set<String> archived)
            throws IOException {
        for (int tli = newest; tli > backup.timeline(); tli--) {
            if (archived.contains(TimelineHistory.fileName(tli))) {
                TimelineHistory h = repository.history(tli);
                if (h.contains(backup.timeline(), backup.stopLsn())) {
                    return h;
                }
            }
        }
        return TimelineHistory.root(backup.timeline());
    }
}
