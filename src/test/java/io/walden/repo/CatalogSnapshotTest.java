package io.walden.repo;

import io.walden.repo.CatalogSnapshot.Database;
import io.walden.repo.CatalogSnapshot.Index;
import io.walden.repo.CatalogSnapshot.Table;
import io.walden.wal.Lsn;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A catalog is written by hand and read back by data binding: the text is what data binding writes. */
class CatalogSnapshotTest {

    @Test
    void writtenByHandAsDataBindingWritesItAndReadBackWhole() throws Exception {
        CatalogSnapshot c = new CatalogSnapshot(Instant.parse("2026-02-13T14:30:00.25Z"), Lsn.parse("0/3000148"), List.of(
                new Database(5, "shop \"main\"", List.of(
                        new Table(16384, "public", "orders", "r", 16384, 16387, List.of(new Index(16390, "orders_pkey", 16390)),
                                1.25e7, 8192L * 1000),
                        new Table(16400, "sales", "by_month", "p", 0, 0, List.of(), -1, 0))),
                new Database(1, "template1", List.of())),
                List.of("database x: permission denied"));
        assertThat(Json.mapper().readTree(c.json())).isEqualTo(Json.mapper().readTree(Json.mapper().writeValueAsString(c)));
        assertThat(Json.mapper().readValue(c.json(), CatalogSnapshot.class)).isEqualTo(c);
    }
}
