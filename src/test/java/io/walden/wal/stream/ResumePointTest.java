package io.walden.wal.stream;

import io.walden.repo.ArchivedWal;
import io.walden.wal.WalFileName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResumePointTest {
    private static final long SEG = 16L << 20;

    private static ArchivedWal w(String name) {
        return new ArchivedWal(WalFileName.parse(name).orElseThrow(), "wal/" + name.substring(0, 16) + "/" + name, 1, Instant.EPOCH);
    }

    @Test
    void afterTheNewestCompleteSegment() {
        ResumePoint p = ResumePoint.of(List.of(w("000000010000000000000003"), w("000000010000000000000004"),
                w("000000010000000000000004.partial")), 1, SEG, x -> 99).orElseThrow();
        assertThat(p.segment().name()).isEqualTo("000000010000000000000005");
        assertThat(p.storedPartial()).isZero();
    }

    @Test
    void theNewestPartialAgainFromItsStartKeepingItsLength() {
        ResumePoint p = ResumePoint.of(List.of(w("000000010000000000000004"), w("000000010000000000000005.partial")),
                1, SEG, x -> 8192).orElseThrow();
        assertThat(p.segment().name()).isEqualTo("000000010000000000000005");
        assertThat(p.durableEnd().toString()).isEqualTo("0/5002000");
    }

    @Test
    void otherTimelinesDoNotCount() {
        assertThat(ResumePoint.of(List.of(w("000000010000000000000004")), 2, SEG, x -> 0)).isEmpty();
    }
}
