package io.walden.restore;

import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which archived segments a recovery from a backup replays, and in what order: staging and blame read them so. */
public final class ReplayOrder {
    private ReplayOrder() {
    }

    /**
     * The segments recovery reads, in order: from the backup's first, for each segment number the file of
     * the newest timeline of the lineage that has it (PostgreSQL asks for that one first).
     */
    public static List<String> of(Manifest backup, TimelineHistory history, List<ArchivedWal> wal) {
        long segmentSize = backup.walSegmentSize();
        long first = SegmentName.parse(backup.startSegment(), segmentSize).segmentNumber();
        Map<Long, SegmentName> chosen = new TreeMap<>();
        for (ArchivedWal w : wal) {
            if (w.file().kind() != WalFileName.Kind.SEGMENT) {
                continue;
            }
            SegmentName s = SegmentName.parse(w.file().name(), segmentSize);
            if (s.segmentNumber() < first || !history.contains(s.timeline(), s.startLsn())) {
                continue;
            }
            chosen.merge(s.segmentNumber(), s, (a, b) -> a.timeline() >= b.timeline() ? a : b);
        }
        return chosen.values().stream().map(SegmentName::name).toList();
    }
}
