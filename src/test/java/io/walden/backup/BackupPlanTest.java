package io.walden.backup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackupPlanTest {

    static SourceFile f(String path, long size) {
        return new SourceFile(path, size, 0600);
    }

    @Test
    void largeFilesAloneLargestFirstSmallOnesBundledUnderTheLimit() {
        List<SourceFile> files = new ArrayList<>();
        files.add(f("base/1/big1", 3_000_000));
        files.add(f("base/1/empty", 0));
        files.add(f("global/tiny", 10));
        files.add(f("base/1/big2", BackupPlan.LARGE_FILE)); // exactly the threshold: large
        for (int i = 9; i >= 0; i--) {
            files.add(f("base/1/s0" + i, 1_000_000));
        }
        files.add(f("base/1/big3", 5_000_000));
        files.add(f("PG_VERSION", 3));
        files.add(f("base/1/almost", BackupPlan.LARGE_FILE - 1)); // just under the threshold: small
        files.add(f("pg_xact/empty", 0));

        BackupPlan plan = BackupPlan.of(files);

        assertThat(plan.units()).extracting(BackupPlan.Unit::objectName)
                .containsExactly("000001", "000002", "000003", "000004", "000005");
        assertThat(plan.units().get(0)).isEqualTo(new BackupPlan.Unit("000001", List.of(f("base/1/big3", 5_000_000)), false));
        assertThat(plan.units().get(1)).isEqualTo(new BackupPlan.Unit("000002", List.of(f("base/1/big1", 3_000_000)), false));
        assertThat(plan.units().get(2)).isEqualTo(
                new BackupPlan.Unit("000003", List.of(f("base/1/big2", BackupPlan.LARGE_FILE)), false));

        // small files in path order: PG_VERSION, base/1/almost, base/1/s00..s09, global/tiny
        BackupPlan.Unit first = plan.units().get(3);
        assertThat(first.bundle()).isTrue();
        assertThat(first.files()).extracting(SourceFile::path).containsExactly(
                "PG_VERSION", "base/1/almost", "base/1/s00", "base/1/s01", "base/1/s02", "base/1/s03", "base/1/s04",
                "base/1/s05", "base/1/s06");
        assertThat(first.bytes()).isEqualTo(3 + 1_048_575 + 7 * 1_000_000L).isLessThanOrEqualTo(BackupPlan.BUNDLE_LIMIT);
        assertThat(first.bytes() + 1_000_000).isGreaterThan(BackupPlan.BUNDLE_LIMIT);

        BackupPlan.Unit second = plan.units().get(4);
        assertThat(second.bundle()).isTrue();
        assertThat(second.files()).extracting(SourceFile::path).containsExactly(
                "base/1/s07", "base/1/s08", "base/1/s09", "global/tiny");
        assertThat(second.bytes()).isEqualTo(3_000_010);

        // zero-size files are in no unit
        assertThat(plan.units()).flatExtracting(BackupPlan.Unit::files).extracting(SourceFile::path)
                .doesNotContain("base/1/empty", "pg_xact/empty")
                .hasSize(files.size() - 2)
                .doesNotHaveDuplicates();
        assertThat(plan.totalBytes()).isEqualTo(5_000_000 + 3_000_000 + 1_048_576 + 3 + 1_048_575 + 10 * 1_000_000L + 10);
    }

    @Test
    void bundleLimitIsInclusive() {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            files.add(f("f" + i, 1_048_575));
        }
        files.add(f("g", 8)); // 8 * 1048575 + 8 = 8388608 = exactly the limit
        files.add(f("h", 1));
        BackupPlan plan = BackupPlan.of(files);
        assertThat(plan.units()).hasSize(2);
        assertThat(plan.units().get(0).bytes()).isEqualTo(BackupPlan.BUNDLE_LIMIT);
        assertThat(plan.units().get(1).files()).containsExactly(f("h", 1));
    }

    @Test
    void onlyLargeOrOnlyEmptyFiles() {
        assertThat(BackupPlan.of(List.of(f("a", 0), f("b", 0))).units()).isEmpty();
        assertThat(BackupPlan.of(List.of()).units()).isEmpty();
        BackupPlan large = BackupPlan.of(List.of(f("a", 2_000_000), f("b", 9_000_000), f("c", 2_000_000)));
        assertThat(large.units()).extracting(u -> u.files().get(0).path()).containsExactly("b", "a", "c");
        assertThat(large.units()).noneMatch(BackupPlan.Unit::bundle);
    }
}
