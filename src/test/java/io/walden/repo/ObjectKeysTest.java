package io.walden.repo;

import io.walden.wal.WalFileName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectKeysTest {
    @Test
    void layout() {
        assertThat(ObjectKeys.manifest("20260213T143000Z")).isEqualTo("backups/20260213T143000Z/manifest.json");
        assertThat(ObjectKeys.backupData("20260213T143000Z", "000001")).isEqualTo("backups/20260213T143000Z/data/000001");
        assertThat(ObjectKeys.wal(WalFileName.parse("000000010000000A0000003F").orElseThrow()))
                .isEqualTo("wal/000000010000000A/000000010000000A0000003F");
        assertThat(ObjectKeys.wal(WalFileName.parse("00000002.history").orElseThrow())).isEqualTo("wal/00000002.history");
        assertThat(ObjectKeys.wal(WalFileName.parse("000000010000000000000002.00000028.backup").orElseThrow()))
                .isEqualTo("wal/0000000100000000/000000010000000000000002.00000028.backup");
        assertThat(ObjectKeys.walFileName("wal/0000000100000000/000000010000000000000002")).isEqualTo("000000010000000000000002");
        assertThat(ObjectKeys.walFileName("wal/00000002.history")).isEqualTo("00000002.history");
    }
}
