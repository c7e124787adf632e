package io.walden.wal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WalFileNameTest {
    private static final long MB16 = 16L * 1024 * 1024;

    @Test
    void segment() {
        WalFileName f = WalFileName.parse("000000010000000A0000003F").orElseThrow();
        assertThat(f).isEqualTo(new WalFileName("000000010000000A0000003F", WalFileName.Kind.SEGMENT, 1));
        assertThat(f.segment(MB16)).contains(SegmentName.parse("000000010000000A0000003F", MB16));
    }

    @Test
    void partial() {
        WalFileName f = WalFileName.parse("00000002000000000000000A.partial").orElseThrow();
        assertThat(f.kind()).isEqualTo(WalFileName.Kind.PARTIAL);
        assertThat(f.timeline()).isEqualTo(2);
        assertThat(f.name()).isEqualTo("00000002000000000000000A.partial");
        assertThat(f.segment(MB16).orElseThrow().name()).isEqualTo("00000002000000000000000A");
    }

    @Test
    void history() {
        WalFileName f = WalFileName.parse("0000000A.history").orElseThrow();
        assertThat(f).isEqualTo(new WalFileName("0000000A.history", WalFileName.Kind.HISTORY, 10));
        assertThat(f.segment(MB16)).isEmpty();
    }

    @Test
    void backupHistory() {
        WalFileName f = WalFileName.parse("000000010000000000000002.00000028.backup").orElseThrow();
        assertThat(f.kind()).isEqualTo(WalFileName.Kind.BACKUP_HISTORY);
        assertThat(f.timeline()).isEqualTo(1);
        assertThat(f.segment(MB16).orElseThrow().name()).isEqualTo("000000010000000000000002");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "foo", "000000010000000a0000003f", "00000001000000000000000", "0000000100000000000000001",
            ".000000010000000000000001.1a2b.tmp", "00000002.history.tmp", "2.history", "00000002.HISTORY",
            "000000010000000000000001.partial.tmp", "000000010000000000000002.backup", "archive_status",
            "000000010000000000000001.done"})
    void junkIsEmpty(String name) {
        assertThat(WalFileName.parse(name)).isEqualTo(Optional.empty());
    }
}
