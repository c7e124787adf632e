package io.walden.ops.drill;

import io.walden.repo.ArchivedWal;
import io.walden.wal.Lsn;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import io.walden.wal.decode.SegmentEnd;
import io.walden.wal.decode.SegmentSummary;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WalCoverageTest {
    private static final long SIZE = 16 << 20;
    private static final TimelineHistory TL1 = TimelineHistory.root(1);

    @Test
    void aContinuousArchiveHasNoMissingSegmentAndEndsAtItsLastCommit() {
        List<ArchivedWal> wal = wal("000000010000000000000002", "000000010000000000000003", "000000010000000000000004");
        Instant last = Instant.parse("2026-02-13T14:30:00Z");
        WalCoverage c = WalCoverage.of(wal, Map.of("000000010000000000000004", summary(4, last),
                "000000010000000000000003", summary(3, last.minusSeconds(60))), TL1, "000000010000000000000002", SIZE);
        assertThat(c).isEqualTo(new WalCoverage("000000010000000000000002", "000000010000000000000004", last, Optional.empty(), 0));
    }

    @Test
    void aGapWithLaterSegmentsNamesTheFirstMissingOne() {
        List<ArchivedWal> wal = wal("000000010000000000000002", "000000010000000000000003", "000000010000000000000005",
                "000000010000000000000006");
        WalCoverage c = WalCoverage.of(wal, Map.of(), TL1, "000000010000000000000002", SIZE);
        assertThat(c.firstMissing()).contains("000000010000000000000004");
        assertThat(c.unreachableSegments()).isEqualTo(2);
        assertThat(c.lastSegment()).isEqualTo("000000010000000000000006");
    }

    @Test
    void segmentsBeforeTheBackupAndOffTheLineageDoNotCount() {
        // timeline 2 branched from 1 inside segment 4: segment 4 and later are read from timeline 2
        TimelineHistory tl2 = new TimelineHistory(2, List.of(new TimelineHistory.Switch(1, Lsn.parse("0/4000100"))));
        List<ArchivedWal> wal = wal("000000010000000000000001", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "000000020000000000000004", "000000020000000000000005");
        WalCoverage c = WalCoverage.of(wal, Map.of(), tl2, "000000010000000000000003", SIZE);
        assertThat(c).isEqualTo(new WalCoverage("000000010000000000000003", "000000020000000000000005", null, Optional.empty(), 0));
    }

    private static List<ArchivedWal> wal(String... names) {
        return Stream.of(names).map(n -> new ArchivedWal(WalFileName.parse(n).orElseThrow(), "wal/" + n, 100, Instant.EPOCH)).toList();
    }

    private static SegmentSummary summary(long segment, Instant lastCommit) {
        Lsn start = new Lsn(segment * SIZE);
        return new SegmentSummary(16, "1", SIZE, 1, start, 10, start, start, start, lastCommit, lastCommit, 1, 0, List.of(), 0, true,
                true, null, new SegmentEnd(SegmentEnd.Reason.END_OF_WAL, start, "zero"));
    }
}
