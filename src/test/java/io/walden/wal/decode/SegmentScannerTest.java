package io.walden.wal.decode;

import io.walden.repo.Json;
import io.walden.wal.Lsn;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.walden.wal.decode.SyntheticWal.SEGMENT;
import static io.walden.wal.decode.SyntheticWal.plain;
import static org.assertj.core.api.Assertions.assertThat;

class SegmentScannerTest {
    private static final int PG16 = 0xD113;
    private static final long BASE = 3L * SEGMENT;
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    private static SyntheticWal.Record commit(int info, long xid, Instant time) {
        return new SyntheticWal.Record(Rmgr.TRANSACTION, info, xid)
                .main(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PgTime.toTimestampTz(time)).array());
    }

    private static SyntheticWal.Record restorePoint(String name, Instant time) {
        ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN).putLong(PgTime.toTimestampTz(time));
        b.put(name.getBytes(StandardCharsets.UTF_8));
        return new SyntheticWal.Record(Rmgr.XLOG, 0x70, 0).main(b.array());
    }

    private static SyntheticWal.Record checkpoint() {
        return new SyntheticWal.Record(Rmgr.XLOG, 0x10, 0).main(new byte[88]);
    }

    @Test
    void summarizesASegmentEndingWithASwitch() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG16, 3, 1);
        Lsn first = wal.append(checkpoint());
        wal.append(commit(0x00, 740, T0.plusSeconds(2)));
        wal.append(commit(0x00, 741, T0)); // commit times need not follow WAL order
        wal.append(commit(0x20, 742, T0.plusSeconds(1)));
        Lsn point = wal.append(restorePoint("before_upgrade", T0.plusSeconds(3)));
        wal.append(plain(Rmgr.HEAP, 0x00, 743, 30_000));
        wal.append(commit(0x00, 743, T0.plusSeconds(4)));
        Lsn sw = wal.appendSwitch();

        List<WalEvent> events = new ArrayList<>();
        SegmentSummary s = SegmentScanner.scan(new ByteArrayInputStream(wal.segment(BASE)), SegmentScanner.NextSegment.NONE, events::add);

        assertThat(s.pgMajor()).isEqualTo(16);
        assertThat(s.systemIdentifier()).isEqualTo(Long.toUnsignedString(SyntheticWal.SYSTEM_ID));
        assertThat(s.segmentSize()).isEqualTo(SEGMENT);
        assertThat(s.segmentStart()).isEqualTo(new Lsn(BASE));
        assertThat(s.timeline()).isEqualTo(1);
        assertThat(s.records()).isEqualTo(8);
        assertThat(s.firstRecord()).isEqualTo(first);
        assertThat(s.lastRecord()).isEqualTo(sw);
        assertThat(s.lastRecordEnd()).isEqualTo(new Lsn(sw.value() + 24));
        assertThat(s.commits()).isEqualTo(3);
        assertThat(s.aborts()).isEqualTo(1);
        assertThat(s.firstCommitTime()).isEqualTo(T0);
        assertThat(s.lastCommitTime()).isEqualTo(T0.plusSeconds(4));
        assertThat(s.restorePoints()).containsExactly(new RestorePoint(point, new Lsn(point.value() + 104), T0.plusSeconds(3), "before_upgrade"));
        assertThat(s.checkpoints()).isEqualTo(1);
        assertThat(s.endsWithSwitch()).isTrue();
        assertThat(s.crcValid()).isTrue();
        assertThat(s.badCrc()).isNull();
        assertThat(s.end().reason()).isEqualTo(SegmentEnd.Reason.SWITCH);

        assertThat(events).hasSize(7);
        assertThat(events.get(0)).isInstanceOf(Checkpoint.class);
        assertThat(events.get(6)).isInstanceOf(WalSwitch.class);
    }

    @Test
    void summaryIsPlainJson() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG16, 3, 1);
        wal.append(commit(0x00, 740, T0));
        wal.append(restorePoint("rp", T0.plusSeconds(1)));
        SegmentSummary s = SegmentScanner.summarize(new ByteArrayInputStream(wal.segment(BASE)));

        String json = Json.mapper().writeValueAsString(s);
        assertThat(json).contains("\"firstRecord\" : \"0/300028\"", "\"firstCommitTime\" : \"2026-05-01T10:00:00Z\"",
                "\"reason\" : \"END_OF_WAL\"", "\"name\" : \"rp\"");
        assertThat(Json.mapper().readValue(json, SegmentSummary.class)).isEqualTo(s);
    }

    @Test
    void badCrcIsReportedWithItsLocation() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG16, 3, 1);
        wal.append(commit(0x00, 740, T0));
        Lsn bad = wal.append(commit(0x00, 741, T0.plusSeconds(1)));
        wal.append(commit(0x00, 742, T0.plusSeconds(2)));
        wal.flip(bad.value() + 27);

        SegmentSummary s = SegmentScanner.summarize(new ByteArrayInputStream(wal.segment(BASE)));
        assertThat(s.crcValid()).isFalse();
        assertThat(s.badCrc()).isEqualTo(bad);
        assertThat(s.commits()).isEqualTo(1);
        assertThat(s.lastCommitTime()).isEqualTo(T0);
    }

    @Test
    void commitRunningIntoTheNextSegmentIsCountedWhereItStarts() throws Exception {
        SyntheticWal wal = new SyntheticWal(PG16, 3, 2);
        while (wal.position() < BASE + SEGMENT - 24) {
            wal.fill(32);
        }
        // the fillers leave 16 or 24 bytes: the commit's header is split between the segments
        Lsn straddling = wal.append(commit(0x00, 750, T0));
        Lsn next = wal.append(commit(0x00, 751, T0.plusSeconds(1)));
        assertThat(straddling.value()).isLessThan(BASE + SEGMENT);

        SegmentSummary alone = SegmentScanner.summarize(new ByteArrayInputStream(wal.segmentNumber(0)));
        assertThat(alone.commits()).isZero();
        assertThat(alone.end().reason()).isEqualTo(SegmentEnd.Reason.INCOMPLETE_RECORD);
        assertThat(alone.end().lsn()).isEqualTo(straddling);

        List<WalEvent> events = new ArrayList<>();
        SegmentSummary finished = SegmentScanner.scan(new ByteArrayInputStream(wal.segmentNumber(0)),
                () -> Optional.<InputStream>of(new ByteArrayInputStream(wal.segmentNumber(1))), events::add);
        assertThat(finished.segmentStart()).isEqualTo(new Lsn(BASE));
        assertThat(finished.commits()).isEqualTo(1);
        assertThat(finished.lastRecord()).isEqualTo(straddling);
        assertThat(finished.lastRecordEnd()).isEqualTo(next);
        assertThat(events).singleElement().extracting(WalEvent::lsn).isEqualTo(straddling);

        SegmentSummary second = SegmentScanner.summarize(new ByteArrayInputStream(wal.segmentNumber(1)));
        assertThat(second.firstRecord()).isEqualTo(next);
        assertThat(second.commits()).isEqualTo(1);
    }
}
