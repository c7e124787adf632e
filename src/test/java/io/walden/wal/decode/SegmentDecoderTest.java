package io.walden.wal.decode;

import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.walden.wal.decode.SyntheticWal.PAGE;
import static io.walden.wal.decode.SyntheticWal.SEGMENT;
import static io.walden.wal.decode.SyntheticWal.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentDecoderTest {
    private static final int PG15 = 0xD110;
    private static final long BASE = 3L * SEGMENT;

    /** Decodes all records of {@code segment}; the decoder is left in {@code out[0]}. */
    private static List<WalRecord> decode(byte[] segment, SegmentDecoder[] out) throws IOException {
        SegmentDecoder decoder = SegmentDecoder.open(new ByteArrayInputStream(segment));
        out[0] = decoder;
        List<WalRecord> records = new ArrayList<>();
        for (Optional<WalRecord> r = decoder.next(); r.isPresent(); r = decoder.next()) {
            records.add(r.get());
        }
        return records;
    }

    private static byte[] expectedMain(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i + 1);
        }
        return b;
    }

    @Test
    void readsRecordsOnOnePageWithHeaderFields() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn b = wal.append(plain(200, 0x30, 77, 3)); // a custom resource manager: passes through

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(a).isEqualTo(new Lsn(BASE + 40));
        assertThat(SyntheticWal.lsns(records)).containsExactly(a, b);
        WalRecord first = records.get(0);
        assertThat(first.totalLength()).isEqualTo(36);
        assertThat(first.end()).isEqualTo(new Lsn(BASE + 40 + 40)); // 36 bytes, MAXALIGNed
        assertThat(first.prev()).isEqualTo(Lsn.ZERO);
        WalRecord second = records.get(1);
        assertThat(second.rmid()).isEqualTo(200);
        assertThat(second.rmgrName()).isEqualTo("rmid 200");
        assertThat(second.rmgrInfo()).isEqualTo(0x30);
        assertThat(second.xid()).isEqualTo(77);
        assertThat(second.prev()).isEqualTo(a);
        assertThat(second.mainData()).containsExactly(1, 2, 3);
        assertThat(second.blocks()).isEmpty();

        assertThat(d[0].pgMajor()).isEqualTo(15);
        assertThat(d[0].segmentStart()).isEqualTo(new Lsn(BASE));
        assertThat(d[0].segmentHeader().systemIdentifier()).isEqualTo(SyntheticWal.SYSTEM_ID);
        SegmentEnd end = d[0].end().orElseThrow();
        assertThat(end.reason()).isEqualTo(SegmentEnd.Reason.END_OF_WAL);
        assertThat(end.lsn()).isEqualTo(second.end());
        assertThat(d[0].next()).isEmpty();
    }

    @Test
    void assemblesRecordsSpanningPages() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn small = wal.append(plain(Rmgr.XLOG, 0x20, 0, 100));
        Lsn big = wal.append(plain(Rmgr.XLOG, 0x20, 5, 20_000)); // over three pages
        Lsn after = wal.append(plain(Rmgr.XLOG, 0x20, 0, 7));

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(small, big, after);
        assertThat(records.get(1).mainData()).isEqualTo(expectedMain(20_000));
        assertThat(records.get(1).end()).isEqualTo(after);
        assertThat(after.value() - BASE).isGreaterThan(2 * PAGE);
        assertThat(records.get(2).prev()).isEqualTo(big);
    }

    @Test
    void recordHeaderSplitAcrossPages() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.fill(PAGE - 8 - 40); // the next record starts 8 bytes before the page ends
        Lsn split = wal.append(plain(Rmgr.TRANSACTION, 0x00, 42, 8));
        Lsn next = wal.append(plain(Rmgr.XLOG, 0x20, 0, 1));

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(split.value() % PAGE).isEqualTo(PAGE - 8);
        assertThat(SyntheticWal.lsns(records)).endsWith(split, next);
        assertThat(records.get(1).xid()).isEqualTo(42);
        assertThat(records.get(1).mainData()).isEqualTo(expectedMain(8));
    }

    @Test
    void recordEndingAtAPageEndIsFollowedByTheNextPagesFirstRecord() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn filler = wal.fill(PAGE - 40);
        Lsn next = wal.append(plain(Rmgr.XLOG, 0x20, 0, 1));

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(next).isEqualTo(new Lsn(BASE + PAGE + 24));
        assertThat(SyntheticWal.lsns(records)).containsExactly(filler, next);
    }

    /** WAL over two segments whose record {@code crossing} starts in the first and ends in the second. */
    private record TwoSegments(SyntheticWal wal, List<Lsn> before, Lsn crossing, Lsn firstOfSecond, Lsn secondOfSecond) {}

    private static TwoSegments twoSegments() {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 2);
        List<Lsn> before = new ArrayList<>();
        Lsn last;
        do {
            last = wal.append(plain(Rmgr.XLOG, 0x20, 0, 100_000));
            before.add(last);
        } while (wal.position() < BASE + SEGMENT);
        before.remove(last);
        assertThat(last.value()).isLessThan(BASE + SEGMENT);
        Lsn y = wal.append(plain(Rmgr.TRANSACTION, 0x00, 9, 16));
        Lsn z = wal.append(plain(Rmgr.XLOG, 0x20, 0, 3));
        return new TwoSegments(wal, before, last, y, z);
    }

    @Test
    void recordRunningIntoTheNextSegmentIsIncompleteAndCanBeFinished() throws IOException {
        TwoSegments t = twoSegments();
        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(t.wal().segmentNumber(0), d);

        assertThat(SyntheticWal.lsns(records)).isEqualTo(t.before());
        SegmentEnd end = d[0].end().orElseThrow();
        assertThat(end.reason()).isEqualTo(SegmentEnd.Reason.INCOMPLETE_RECORD);
        assertThat(end.lsn()).isEqualTo(t.crossing());

        Optional<WalRecord> finished = d[0].finishWith(new ByteArrayInputStream(t.wal().segmentNumber(1)));
        assertThat(finished).isPresent();
        assertThat(finished.get().lsn()).isEqualTo(t.crossing());
        assertThat(finished.get().mainData()).isEqualTo(expectedMain(100_000));
        assertThat(finished.get().end()).isEqualTo(t.firstOfSecond());
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.SEGMENT_END);
        assertThat(d[0].next()).isEmpty();
        assertThatThrownBy(() -> d[0].finishWith(new ByteArrayInputStream(t.wal().segmentNumber(1))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finishingWithTheWrongSegmentStopsThere() throws IOException {
        TwoSegments t = twoSegments();
        SegmentDecoder[] d = new SegmentDecoder[1];
        decode(t.wal().segmentNumber(0), d);

        assertThat(d[0].finishWith(new ByteArrayInputStream(t.wal().segmentNumber(0)))).isEmpty();
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_PAGE_HEADER);

        decode(t.wal().segmentNumber(0), d);
        assertThat(d[0].finishWith(new ByteArrayInputStream(new byte[SEGMENT]))).isEmpty();
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_PAGE_HEADER);
    }

    @Test
    void segmentStartingWithAContinuationSkipsIt() throws IOException {
        TwoSegments t = twoSegments();
        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(t.wal().segmentNumber(1), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(t.firstOfSecond(), t.secondOfSecond());
        // the skipped record's start is only known from xl_prev
        assertThat(records.get(0).prev()).isEqualTo(t.crossing());
        assertThat(records.get(0).xid()).isEqualTo(9);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.END_OF_WAL);
    }

    @Test
    void segmentHoldingOnlyAContinuationHasNoRecords() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 3);
        wal.fill(PAGE - 40);
        Lsn huge = wal.append(plain(Rmgr.XLOG, 0x20, 0, 2 * SEGMENT + 50_000)); // covers all of segment 4
        SegmentDecoder[] d = new SegmentDecoder[1];

        assertThat(decode(wal.segmentNumber(1), d)).isEmpty();
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.SEGMENT_END);

        // and finishing from segment 3 needs two more segments
        decode(wal.segmentNumber(0), d);
        assertThat(d[0].end().orElseThrow().lsn()).isEqualTo(huge);
        assertThat(d[0].finishWith(new ByteArrayInputStream(wal.segmentNumber(1)))).isEmpty();
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.INCOMPLETE_RECORD);
        Optional<WalRecord> done = d[0].finishWith(new ByteArrayInputStream(wal.segmentNumber(2)));
        assertThat(done).isPresent();
        assertThat(done.get().mainData()).isEqualTo(expectedMain(2 * SEGMENT + 50_000));
    }

    @Test
    void crcMismatchStopsDecodingAndIsReported() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn b = wal.append(plain(Rmgr.TRANSACTION, 0x00, 5, 40));
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        wal.flip(b.value() + 30); // in the main data

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(a);
        SegmentEnd end = d[0].end().orElseThrow();
        assertThat(end.reason()).isEqualTo(SegmentEnd.Reason.BAD_CRC);
        assertThat(end.lsn()).isEqualTo(b);
        assertThat(end.reason().isRegular()).isFalse();
    }

    @Test
    void crcCoversTheHeaderToo() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        wal.flip(a.value() + 16); // xl_info

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).isEmpty();
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_CRC);
    }

    @Test
    void wrongPreviousPointerStopsDecoding() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn b = wal.appendBytes(plain(Rmgr.XLOG, 0x20, 0, 10).bytes(a.value() - 8));

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(SyntheticWal.lsns(decode(wal.segment(BASE), d))).containsExactly(a);
        assertThat(d[0].end().orElseThrow()).extracting(SegmentEnd::reason, SegmentEnd::lsn)
                .containsExactly(SegmentEnd.Reason.BAD_RECORD_HEADER, b);
    }

    @Test
    void impossibleLengthStopsDecoding() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        wal.put(a.value() + 40, new byte[] {16, 0, 0, 0});

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(1);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_RECORD_HEADER);
    }

    @Test
    void garbageLengthIsCaughtByTheNextPageWithoutAllocatingIt() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn garbage = new Lsn(a.value() + 40);
        // almost 1 GB, with a plausible xl_prev: only the next page can tell that nothing continues
        wal.put(garbage.value(), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x3FFF_FFF0).putInt(0).putLong(a.value()).array());
        wal.writePageHeader(BASE + PAGE, 0, 0);

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(1);
        assertThat(d[0].end().orElseThrow()).extracting(SegmentEnd::reason, SegmentEnd::lsn)
                .containsExactly(SegmentEnd.Reason.BAD_PAGE_HEADER, new Lsn(BASE + PAGE));
    }

    @Test
    void walSwitchEndsTheSegmentAndTheZeroedRestIsNotRead() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn sw = wal.appendSwitch();

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(a, sw);
        assertThat(records.get(1).totalLength()).isEqualTo(24);
        SegmentEnd end = d[0].end().orElseThrow();
        assertThat(end.reason()).isEqualTo(SegmentEnd.Reason.SWITCH);
        assertThat(end.lsn()).isEqualTo(records.get(1).end());
    }

    @Test
    void neverWrittenPageIsTheEndOfWal() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.fill(PAGE - 40);

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(1);
        assertThat(d[0].end().orElseThrow()).extracting(SegmentEnd::reason, SegmentEnd::lsn)
                .containsExactly(SegmentEnd.Reason.END_OF_WAL, new Lsn(BASE + PAGE));
    }

    @Test
    void pageOfAnOlderSegmentIsARecycledPage() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.fill(PAGE - 40);
        wal.writePageHeader(BASE + PAGE, 0, 0);
        wal.put(BASE + PAGE + 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(BASE - SEGMENT + PAGE).array());

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(1);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.RECYCLED_PAGE);
    }

    @Test
    void pageThatContinuesNothingIsABadPageHeader() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.fill(PAGE - 40);
        wal.writePageHeader(BASE + PAGE, PageHeader.FIRST_IS_CONTRECORD, 100);

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(1);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_PAGE_HEADER);
    }

    @Test
    void truncatedInputTearsTheRecordThatNeedsTheMissingPages() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        Lsn big = wal.append(plain(Rmgr.XLOG, 0x20, 0, 30_000));

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(Arrays.copyOf(wal.segment(BASE), 2 * PAGE + 100), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(a);
        assertThat(d[0].end().orElseThrow()).extracting(SegmentEnd::reason, SegmentEnd::lsn)
                .containsExactly(SegmentEnd.Reason.TRUNCATED, big);
    }

    @Test
    void recordAbandonedByCrashRecoveryIsSkipped() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        Lsn a = wal.append(plain(Rmgr.XLOG, 0x20, 0, 7000));
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 5000)); // torn: its second page is overwritten below
        wal.put(BASE + PAGE, new byte[PAGE]);
        wal.writePageHeader(BASE + PAGE, PageHeader.FIRST_IS_OVERWRITE_CONTRECORD, 0);
        wal.moveTo(BASE + PAGE + 24);
        wal.previous(a.value());
        Lsn overwrite = wal.append(plain(Rmgr.XLOG, 0xD0, 0, 16));

        SegmentDecoder[] d = new SegmentDecoder[1];
        List<WalRecord> records = decode(wal.segment(BASE), d);

        assertThat(SyntheticWal.lsns(records)).containsExactly(a, overwrite);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.END_OF_WAL);
    }

    @Test
    void timelineMayRiseWithinASegmentButNotFall() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.timeline(2);
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 7000));
        wal.timeline(3);
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 7000));
        wal.timeline(1);
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 7000));

        SegmentDecoder[] d = new SegmentDecoder[1];
        assertThat(decode(wal.segment(BASE), d)).hasSize(2);
        assertThat(d[0].end().orElseThrow().reason()).isEqualTo(SegmentEnd.Reason.BAD_PAGE_HEADER);
    }

    @Test
    void whatIsNotASegmentIsRefused() {
        assertThatThrownBy(() -> SegmentDecoder.open(new ByteArrayInputStream(new byte[SEGMENT])))
                .isInstanceOf(NotASegmentException.class);
        assertThatThrownBy(() -> SegmentDecoder.open(new ByteArrayInputStream(new byte[100])))
                .isInstanceOf(NotASegmentException.class);

        SyntheticWal unknownVersion = new SyntheticWal(0xD0FF, 3, 1);
        unknownVersion.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        assertThatThrownBy(() -> SegmentDecoder.open(new ByteArrayInputStream(unknownVersion.segment(BASE))))
                .isInstanceOf(NotASegmentException.class).hasMessageContaining("0xD0FF");
    }

    @Test
    void recycledFileIsNotTheSegmentItsNameSays() throws IOException {
        SyntheticWal wal = new SyntheticWal(PG15, 3, 1);
        wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
        byte[] segment = wal.segment(BASE);

        assertThat(SegmentDecoder.open(new ByteArrayInputStream(segment), new SegmentName(1, 3, SEGMENT)).next()).isPresent();
        assertThatThrownBy(() -> SegmentDecoder.open(new ByteArrayInputStream(segment), new SegmentName(1, 9, SEGMENT)))
                .isInstanceOf(NotASegmentException.class).hasMessageContaining("recycled");
    }

    @Test
    void readsEveryMajorsMagic() throws IOException {
        int[][] magics = {{0xD106, 13}, {0xD10D, 14}, {0xD110, 15}, {0xD113, 16}, {0xD116, 17}};
        for (int[] m : magics) {
            SyntheticWal wal = new SyntheticWal(m[0], 3, 1);
            wal.append(plain(Rmgr.XLOG, 0x20, 0, 10));
            SegmentDecoder[] d = new SegmentDecoder[1];
            assertThat(decode(wal.segment(BASE), d)).hasSize(1);
            assertThat(d[0].pgMajor()).isEqualTo(m[1]);
        }
    }
}
