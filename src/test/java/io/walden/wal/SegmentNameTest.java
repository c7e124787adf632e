package io.walden.wal;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentNameTest {
    private static final long MB16 = 16L * 1024 * 1024;
    private static final long MB64 = 64L * 1024 * 1024;

    @Test
    void nameFromTimelineAndLsn16Mb() {
        SegmentName s = SegmentName.of(1, Lsn.parse("16/B374D848"), MB16);
        assertThat(s.name()).isEqualTo("0000000100000016000000B3");
        assertThat(s.toString()).isEqualTo("0000000100000016000000B3");
        assertThat(s.timeline()).isEqualTo(1);
        assertThat(s.segmentNumber()).isEqualTo(0x16L * 256 + 0xB3);
        assertThat(s.startLsn()).isEqualTo(Lsn.parse("16/B3000000"));
        assertThat(s.endLsn()).isEqualTo(Lsn.parse("16/B4000000"));
        assertThat(SegmentName.of(2, Lsn.parse("0/3000148"), MB16).name()).isEqualTo("000000020000000000000003");
        assertThat(SegmentName.of(1, Lsn.ZERO, MB16).name()).isEqualTo("000000010000000000000000");
        assertThat(SegmentName.of(0x1A, Lsn.parse("0/FFFFFFFF"), MB16).name()).isEqualTo("0000001A00000000000000FF");
    }

    @Test
    void nameFromTimelineAndLsn64Mb() {
        SegmentName s = SegmentName.of(1, Lsn.parse("16/B374D848"), MB64);
        assertThat(s.name()).isEqualTo("00000001000000160000002C");
        assertThat(s.startLsn()).isEqualTo(Lsn.parse("16/B0000000"));
        assertThat(s.endLsn()).isEqualTo(Lsn.parse("16/B4000000"));
        assertThat(SegmentName.parse("00000001000000160000002C", MB64)).isEqualTo(s);
    }

    @Test
    void parseRoundTrips() {
        SegmentName s = SegmentName.parse("0000000300000016000000B3", MB16);
        assertThat(s).isEqualTo(new SegmentName(3, 0x16L * 256 + 0xB3, MB16));
        assertThat(s.name()).isEqualTo("0000000300000016000000B3");
        assertThat(SegmentName.of(3, s.startLsn(), MB16)).isEqualTo(s);
        assertThat(SegmentName.of(3, s.endLsn().plus(-1), MB16)).isEqualTo(s);
        assertThat(SegmentName.of(3, s.endLsn(), MB16)).isEqualTo(s.next());
    }

    @Test
    void nextCrossesALogBoundary() {
        assertThat(SegmentName.parse("0000000100000000000000FF", MB16).next().name()).isEqualTo("000000010000000100000000");
        assertThat(SegmentName.parse("0000000100000000000000FE", MB16).next().name()).isEqualTo("0000000100000000000000FF");
        assertThat(SegmentName.parse("00000001000000000000003F", MB64).next().name()).isEqualTo("000000010000000100000000");
        assertThat(SegmentName.parse("0000000100000000000000FF", MB16).endLsn()).isEqualTo(Lsn.parse("1/0"));
        assertThat(SegmentName.parse("00000001000000000000003F", MB64).endLsn()).isEqualTo(Lsn.parse("1/0"));
        assertThat(SegmentName.parse("000000010000000100000000", MB16).startLsn()).isEqualTo(Lsn.parse("1/0"));
    }

    @Test
    void onTimelineAndOrder() {
        SegmentName s = SegmentName.parse("000000010000000000000005", MB16);
        assertThat(s.onTimeline(2).name()).isEqualTo("000000020000000000000005");
        assertThat(s).isLessThan(s.next());
        assertThat(s.next()).isLessThan(s.onTimeline(2));
    }

    @Test
    void refusesBadNames() {
        assertThatThrownBy(() -> SegmentName.parse("0000000100000000000000ff", MB16))
                .isInstanceOf(UsageException.class)
                .hasMessage("'0000000100000000000000ff' is not a WAL segment name");
        assertThatThrownBy(() -> SegmentName.parse("00000001000000000000000", MB16))
                .isInstanceOf(UsageException.class)
                .hasMessage("'00000001000000000000000' is not a WAL segment name");
        assertThatThrownBy(() -> SegmentName.parse("00000001000000000000000A.partial", MB16))
                .isInstanceOf(UsageException.class)
                .hasMessage("'00000001000000000000000A.partial' is not a WAL segment name");
        assertThatThrownBy(() -> SegmentName.parse("000000010000000000000040", MB64))
                .isInstanceOf(UsageException.class)
                .hasMessage("'000000010000000000000040' is not a valid segment for a 64 MB segment size");
    }

    @Test
    void refusesBadSegmentSizes() {
        assertThatThrownBy(() -> new SegmentName(1, 0, 3 * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WAL segment size must be a power of two from 1 MB to 1 GB: 3145728");
        assertThatThrownBy(() -> new SegmentName(1, 0, 512 * 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SegmentName(1, 0, 2L * 1024 * 1024 * 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SegmentName(1, 0, 1024 * 1024).name()).isEqualTo("000000010000000000000000");
        assertThat(SegmentName.parse("000000010000000000000003", 1024 * 1024 * 1024).next().name())
                .isEqualTo("000000010000000100000000");
    }
}
