package io.walden.repo;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.walden.wal.Lsn;
import io.walden.wal.decode.RestorePoint;
import io.walden.wal.decode.SegmentEnd;
import io.walden.wal.decode.SegmentSummary;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata written by hand is what Jackson writes for the same record, and reads back to it. */
class WalMetadataTest {

    private static String jackson(WalMetadata m) throws Exception {
        return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }

    @Test
    void aSummaryWithRestorePointsAndEmptyLocations() throws Exception {
        SegmentSummary summary = new SegmentSummary(15, "7300000000000000001", 16 << 20, 3, Lsn.parse("0/3000000"), 1234,
                Lsn.parse("0/3000028"), Lsn.parse("0/3FFFF00"), Lsn.parse("0/4000010"),
                Instant.parse("2026-02-13T14:30:00.123456Z"), Instant.parse("2026-02-13T14:31:00Z"), 17, 2,
                List.of(new RestorePoint(Lsn.parse("0/3000100"), Lsn.parse("0/3000140"), Instant.parse("2026-02-13T14:30:30.5Z"),
                                "before \"migration\"\\ 2\n\u0001é"),
                        new RestorePoint(Lsn.parse("0/3000200"), Lsn.parse("0/3000240"), Instant.parse("2026-02-13T14:30:31Z"), "b")),
                1, false, false, Lsn.parse("0/3FFFF00"), new SegmentEnd(SegmentEnd.Reason.BAD_CRC, Lsn.parse("0/3FFFF00"), "the record fails"));
        String byHand = WalMetadata.json("000000030000000000000003", Optional.of(summary));
        WalMetadata expected = new WalMetadata("wal", "000000030000000000000003", summary);
        assertThat(Json.mapper().readTree(byHand)).isEqualTo(Json.mapper().readTree(jackson(expected)));
        assertThat(WalMetadata.parse(byHand)).contains(expected);
    }

    @Test
    void noSummaryAndNoCommitsOrRestorePoints() throws Exception {
        String none = WalMetadata.json("00000002.history", Optional.empty());
        assertThat(none).isEqualTo(jackson(new WalMetadata("wal", "00000002.history", null)));

        SegmentSummary quiet = new SegmentSummary(17, "1", 1 << 20, 1, Lsn.parse("0/1000000"), 0, null, null, null, null, null,
                0, 0, List.of(), 0, true, true, null, new SegmentEnd(SegmentEnd.Reason.END_OF_WAL, Lsn.parse("0/1000028"), "zero"));
        String byHand = WalMetadata.json("000000010000000000000001", Optional.of(quiet));
        assertThat(Json.mapper().readTree(byHand))
                .isEqualTo(Json.mapper().readTree(jackson(new WalMetadata("wal", "000000010000000000000001", quiet))));
        assertThat(WalMetadata.parse(byHand)).contains(new WalMetadata("wal", "000000010000000000000001", quiet));
        assertThat(WalMetadata.parse(none)).contains(new WalMetadata("wal", "00000002.history", null));
    }

    @Test
    void metadataWaldenDoesNotUnderstandReadsAsNone() {
        assertThat(WalMetadata.parse("")).isEmpty();
        assertThat(WalMetadata.parse("{\"type\": \"wal\", \"name\": ")).isEmpty();
        assertThat(WalMetadata.parse("{\"summary\": {\"end\": {\"reason\": \"GONE_FISHING\"}}}")).isEmpty();
        assertThat(WalMetadata.parse("{\"summary\": {\"records\": \"many\"}}")).isEmpty();
        assertThat(WalMetadata.parse("{\"type\": \"wal\", \"name\": \"x\", \"later\": [{}], \"summary\": null}"))
                .contains(new WalMetadata("wal", "x", null));
    }
}
