package io.walden.wal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineHistoryTest {
    /** What PostgreSQL writes into 00000003.history after two promotions. */
    private static final String HISTORY_3 = "1\t0/3000148\tno recovery target specified\n"
            + "\n"
            + "2\t0/5000000\tbefore 2026-02-13 14:30:00.000000+00\n";

    @Test
    void parsesARealHistoryFile() {
        TimelineHistory h = TimelineHistory.parse(3, HISTORY_3);
        assertThat(h.timeline()).isEqualTo(3);
        assertThat(h.ancestors()).containsExactly(
                new TimelineHistory.Switch(1, Lsn.parse("0/3000148")),
                new TimelineHistory.Switch(2, Lsn.parse("0/5000000")));
    }

    @Test
    void ignoresCommentsBlankLinesAndCarriageReturns() {
        TimelineHistory h = TimelineHistory.parse(2, "# written by hand\r\n1\t0/3000148\tno recovery target specified\r\n\r\n");
        assertThat(h.ancestors()).containsExactly(new TimelineHistory.Switch(1, Lsn.parse("0/3000148")));
    }

    @Test
    void containsFollowsTheLineage() {
        TimelineHistory h = TimelineHistory.parse(3, HISTORY_3);
        assertThat(h.contains(3, Lsn.parse("FF/0"))).isTrue();
        assertThat(h.contains(1, Lsn.parse("0/2000000"))).isTrue();
        assertThat(h.contains(1, Lsn.parse("0/3000148"))).isTrue();
        assertThat(h.contains(1, Lsn.parse("0/3000149"))).isFalse();
        assertThat(h.contains(2, Lsn.parse("0/4000000"))).isTrue();
        assertThat(h.contains(2, Lsn.parse("0/5000000"))).isTrue();
        assertThat(h.contains(2, Lsn.parse("0/5000001"))).isFalse();
        assertThat(h.contains(4, Lsn.parse("0/1"))).isFalse();
    }

    @Test
    void timelineAtFindsTheTimelineHoldingALocation() {
        TimelineHistory h = TimelineHistory.parse(3, HISTORY_3);
        assertThat(h.timelineAt(Lsn.ZERO)).isEqualTo(1);
        assertThat(h.timelineAt(Lsn.parse("0/3000147"))).isEqualTo(1);
        assertThat(h.timelineAt(Lsn.parse("0/3000148"))).isEqualTo(2);
        assertThat(h.timelineAt(Lsn.parse("0/4FFFFFF"))).isEqualTo(2);
        assertThat(h.timelineAt(Lsn.parse("0/5000000"))).isEqualTo(3);
        assertThat(h.timelineAt(Lsn.parse("1/0"))).isEqualTo(3);
    }

    @Test
    void rootHasNoAncestors() {
        TimelineHistory h = TimelineHistory.root(1);
        assertThat(h.ancestors()).isEmpty();
        assertThat(h.contains(1, Lsn.parse("FFFFFFFF/FFFFFFFF"))).isTrue();
        assertThat(h.contains(2, Lsn.ZERO)).isFalse();
        assertThat(h.timelineAt(Lsn.parse("5/0"))).isEqualTo(1);
        assertThat(TimelineHistory.parse(1, "")).isEqualTo(h);
    }
}
