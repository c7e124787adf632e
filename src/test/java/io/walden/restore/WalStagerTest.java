package io.walden.restore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WalStagerTest {

    @Test
    void replayFollowsTheLineageAndTakesTheNewTimelinesCopyOfTheSwitchSegment() {
        var order = ReplayOrder.of(RestorePlannerTest.A, RestorePlannerTest.LINEAGE.apply(2), RestorePlannerTest.twoTimelines());
        assertThat(order).containsExactly(
                "000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "000000020000000000000006", "000000020000000000000007",
                "000000020000000000000008", "000000020000000000000009");
    }

    @Test
    void replayOnTimelineOneStartsAtTheBackupAndIgnoresOtherTimelines() {
        var order = ReplayOrder.of(RestorePlannerTest.B, RestorePlannerTest.LINEAGE.apply(1), RestorePlannerTest.twoTimelines());
        assertThat(order).containsExactly("000000010000000000000005", "000000010000000000000006", "000000010000000000000007");
    }

    @Test
    void restoreCommandTakesTheStagedFileOrFetches() {
        assertThat(WalStager.restoreCommand("walden wal-fetch %f %p")).isEqualTo(
                "{ [ -f pg_wal/walden-staging/%f ] && mv -f pg_wal/walden-staging/%f \"%p\"; } || walden wal-fetch %f %p");
    }
}
