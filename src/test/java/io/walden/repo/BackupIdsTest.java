package io.walden.repo;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BackupIdsTest {
    private static final Instant START = Instant.parse("2026-02-13T14:30:00.987Z");

    @Test
    void idIsTheUtcStartTime() {
        assertThat(BackupIds.next(START, List.of())).isEqualTo("20260213T143000Z");
        assertThat(BackupIds.next(Instant.parse("2026-12-31T23:59:59Z"), Set.of())).isEqualTo("20261231T235959Z");
    }

    @Test
    void collisionsGetASuffix() {
        assertThat(BackupIds.next(START, Set.of("20260213T143000Z"))).isEqualTo("20260213T143000Z-2");
        assertThat(BackupIds.next(START, Set.of("20260213T143000Z", "20260213T143000Z-2"))).isEqualTo("20260213T143000Z-3");
        assertThat(BackupIds.next(START, Set.of("20260213T143000Z-2"))).isEqualTo("20260213T143000Z");
        assertThat(BackupIds.next(START, Set.of("20260213T142959Z"))).isEqualTo("20260213T143000Z");
    }
}
