package io.walden.wal.decode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordParserTest {
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16384);
    private static final RelFileLocator OTHER = new RelFileLocator(1664, 0, 1262);

    private static WalRecord parse(int pgMajor, SyntheticWal.Record record) throws RecordParser.MalformedRecordException {
        byte[] bytes = record.bytes(0x1000);
        return new RecordParser(pgMajor).parse(bytes, bytes.length, 0x2000, 0x2000 + bytes.length);
    }

    @Test
    void blockReferencesWithSameRelationAndMainData() throws Exception {
        WalRecord r = parse(15, new SyntheticWal.Record(Rmgr.HEAP, 0x10, 700)
                .block(0, REL, 0, 7, 14, false)
                .block(1, REL, 2, 0xFFFF_FFFEL, 3, true)
                .block(4, OTHER, 1, 0, 0, false)
                .main(new byte[] {9, 8, 7}));

        assertThat(r.blocks()).containsExactly(
                new BlockReference(0, REL, 0, 7, false, 0, 14),
                new BlockReference(1, REL, 2, 0xFFFF_FFFEL, false, 0, 3),
                new BlockReference(4, OTHER, 1, 0, false, 0, 0));
        assertThat(r.mainData()).containsExactly(9, 8, 7);
        assertThat(r.xid()).isEqualTo(700);
        assertThat(r.prev().value()).isEqualTo(0x1000);
        assertThat(r.rmgrName()).isEqualTo("Heap");
    }

    @Test
    void longMainDataAndNoMainData() throws Exception {
        byte[] main = new byte[300];
        main[299] = 42;
        assertThat(parse(15, new SyntheticWal.Record(Rmgr.XLOG, 0, 0).main(main)).mainData()).isEqualTo(main);
        WalRecord none = parse(15, new SyntheticWal.Record(Rmgr.XLOG, 0x40, 0));
        assertThat(none.mainData()).isEmpty();
        assertThat(none.totalLength()).isEqualTo(24);
    }

    @Test
    void originAndToplevelXidHeadersAreSkipped() throws Exception {
        WalRecord r = parse(16, new SyntheticWal.Record(Rmgr.HEAP, 0, 800)
                .block(0, REL, 0, 1, 20, false).origin(3).toplevelXid(799).main(new byte[] {1, 2}));
        assertThat(r.blocks()).hasSize(1);
        assertThat(r.mainData()).containsExactly(1, 2);
    }

    @Test
    void fullPageImagesCountTowardsTheTotalButNotTheRecLength() throws Exception {
        WalRecord r = parse(15, new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .imageBlock(0, REL, 3, 4000, 0x01 | 0x02, false) // hole, apply, uncompressed
                .main(new byte[] {1}));
        assertThat(r.blocks().get(0).hasImage()).isTrue();
        assertThat(r.imageLength()).isEqualTo(4000);
        assertThat(r.lengthWithoutImages()).isEqualTo(r.totalLength() - 4000);
    }

    @Test
    void compressedImageWithHoleHasAHoleLengthWhoseFlagDependsOnTheMajor() throws Exception {
        // PostgreSQL 15+: hole 0x01 | pglz 0x04; 13/14: hole 0x01 | compressed 0x02
        SyntheticWal.Record pg15 = new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .imageBlock(0, REL, 3, 900, 0x01 | 0x04, true).main(new byte[] {5});
        SyntheticWal.Record pg14 = new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .imageBlock(0, REL, 3, 900, 0x01 | 0x02, true).main(new byte[] {5});
        SyntheticWal.Record lz4 = new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .imageBlock(0, REL, 3, 900, 0x01 | 0x08, true).main(new byte[] {5});
        SyntheticWal.Record zstd = new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .imageBlock(0, REL, 3, 900, 0x01 | 0x10, true).main(new byte[] {5});

        for (int major : new int[] {15, 16, 17}) {
            assertThat(parse(major, pg15).blocks().get(0).block()).isEqualTo(3);
            assertThat(parse(major, lz4).mainData()).containsExactly(5);
            assertThat(parse(major, zstd).mainData()).containsExactly(5);
        }
        for (int major : new int[] {13, 14}) {
            assertThat(parse(major, pg14).blocks().get(0).imageLength()).isEqualTo(900);
            assertThat(parse(major, pg14).mainData()).containsExactly(5);
            // in 13/14, 0x04 is "apply", not compression: no hole length follows, so the layout cannot match
            assertThatThrownBy(() -> parse(major, pg15)).isInstanceOf(RecordParser.MalformedRecordException.class);
        }
    }

    @Test
    void malformedHeadersAreRefused() {
        assertThatThrownBy(() -> parse(15, new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .block(2, REL, 0, 1, 4, false).block(1, REL, 0, 1, 4, false)))
                .isInstanceOf(RecordParser.MalformedRecordException.class).hasMessageContaining("after");
        assertThatThrownBy(() -> parse(15, new SyntheticWal.Record(Rmgr.HEAP, 0, 1)
                .block(0, REL, 0, 1, 4, true)))
                .isInstanceOf(RecordParser.MalformedRecordException.class).hasMessageContaining("same relation");

        byte[] bytes = new SyntheticWal.Record(Rmgr.HEAP, 0, 1).main(new byte[] {1, 2, 3}).bytes(0);
        bytes[24] = 100; // not a block id
        assertThatThrownBy(() -> new RecordParser(15).parse(bytes, bytes.length, 0, 0))
                .isInstanceOf(RecordParser.MalformedRecordException.class).hasMessageContaining("invalid block id 100");

        byte[] shortMain = new SyntheticWal.Record(Rmgr.HEAP, 0, 1).main(new byte[] {1, 2, 3}).bytes(0);
        shortMain[25] = 4; // main data length beyond the record
        assertThatThrownBy(() -> new RecordParser(15).parse(shortMain, shortMain.length, 0, 0))
                .isInstanceOf(RecordParser.MalformedRecordException.class);
    }
}
