package io.walden.restore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
                "{ [ -f pg_wal/walden-staging/%f ] && mv -f pg_wal/walden-staging/%f \"%p\"; }"
                        + " || { [ -f pg_wal/walden-staging/history/%f ] && cp pg_wal/walden-staging/history/%f \"%p\"; }"
                        + " || { [ -f pg_wal/walden-staging/absent/%f ] && exit 1; } || walden wal-fetch %f %p");
    }

    @TempDir
    Path pgdata;

    /** Runs restore_command the way PostgreSQL does: %f and %p replaced, through sh, in PGDATA. */
    private int restore(String file) throws IOException, InterruptedException {
        String fetch = "{ echo %f >> fetched.txt; exit 1; }";
        String command = WalStager.restoreCommand(fetch).replace("%f", file).replace("%p", "pg_wal/RECOVERYXLOG");
        Files.deleteIfExists(pgdata.resolve("pg_wal/RECOVERYXLOG"));
        return new ProcessBuilder("sh", "-c", command).directory(pgdata.toFile()).inheritIO().start().waitFor();
    }

    @Test
    void restoreCommandMovesSegmentsCopiesHistoryFilesAndAnswersAbsentOnesWithoutFetching() throws Exception {
        Path staging = Files.createDirectories(pgdata.resolve("pg_wal/walden-staging"));
        Files.createDirectories(staging.resolve("history"));
        Files.createDirectories(staging.resolve("absent"));
        Files.writeString(staging.resolve("000000010000000000000003"), "segment");
        Files.writeString(staging.resolve("history/00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.createFile(staging.resolve("absent/00000003.history"));

        assertThat(restore("000000010000000000000003")).isZero();
        assertThat(pgdata.resolve("pg_wal/RECOVERYXLOG")).hasContent("segment");
        assertThat(staging.resolve("000000010000000000000003")).doesNotExist();

        for (int i = 0; i < 2; i++) { // PostgreSQL reads a history file at start and again when it promotes
            assertThat(restore("00000002.history")).isZero();
            assertThat(pgdata.resolve("pg_wal/RECOVERYXLOG")).content().startsWith("1\t0/3000000");
        }

        assertThat(restore("00000003.history")).isEqualTo(1);
        assertThat(pgdata.resolve("fetched.txt")).doesNotExist();

        // a segment still being fetched (or given to the server's user) is not taken before it is renamed into place
        Files.writeString(staging.resolve(".000000010000000000000005.staging"), "half");
        assertThat(restore("000000010000000000000005")).isEqualTo(1);
        assertThat(pgdata.resolve("pg_wal/RECOVERYXLOG")).doesNotExist();

        assertThat(restore("000000010000000000000004")).isEqualTo(1);
        assertThat(restore("00000004.history")).isEqualTo(1);
        assertThat(pgdata.resolve("fetched.txt")).hasContent("000000010000000000000005\n000000010000000000000004\n00000004.history");
    }
}
