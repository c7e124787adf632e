package io.walden.wal.decode;

import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.List;

/**
 * What one WAL segment holds, in a few hundred bytes of JSON: enough to choose recovery targets (commit
 * times, restore points) and to tell whether the segment is sound, without reading it again. Locations and
 * times are null when the segment has no such record.
 *
 * @param systemIdentifier the cluster's system identifier, as PostgreSQL prints it (unsigned decimal)
 * @param timeline         the timeline of the segment's first page
 * @param records          valid records starting in the segment, the one completed from the next segment
 *                         included
 * @param firstRecord      the first record starting in the segment (after the rest of one begun before it)
 * @param lastRecord       the last valid record starting in the segment
 * @param lastRecordEnd    where the last valid record ends (possibly in the next segment)
 * @param firstCommitTime  the earliest commit time (of commits, commits of prepared transactions)
 * @param lastCommitTime   the latest commit time
 * @param endsWithSwitch   a WAL switch ends the segment (pg_switch_wal, archive_timeout)
 * @param crcValid         no record failed its CRC; false means the segment is damaged at {@code badCrc}
 * @param badCrc           the record whose CRC failed, where decoding stopped
 * @param end              why decoding stopped
 */
public record SegmentSummary(int pgMajor, String systemIdentifier, long segmentSize, int timeline, Lsn segmentStart,
                             long records, Lsn firstRecord, Lsn lastRecord, Lsn lastRecordEnd,
                             Instant firstCommitTime, Instant lastCommitTime, int commits, int aborts,
                             List<RestorePoint> restorePoints, int checkpoints, boolean endsWithSwitch,
                             boolean crcValid, Lsn badCrc, SegmentEnd end) {

    public SegmentSummary {
        restorePoints = List.copyOf(restorePoints);
    }
}
