package io.walden.ops.drill;

import io.walden.repo.CatalogSnapshot;
import io.walden.wal.Lsn;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaComparisonTest {
    private static final CatalogSnapshot CATALOG = new CatalogSnapshot(Instant.EPOCH, Lsn.ZERO, List.of(
            new CatalogSnapshot.Database(5, "shop", List.of(table("public", "orders"), table("public", "customers"))),
            new CatalogSnapshot.Database(1, "template1", List.of())), List.of());

    @Test
    void passesWhenEveryCatalogTableIsPresentAndCountsNewOnes() {
        CheckResult r = SchemaComparison.compare("B1", Optional.of(CATALOG),
                Map.of("shop", Set.of("public.orders", "public.customers", "public.later")));
        assertThat(r.status()).isEqualTo(CheckResult.Status.PASS);
        assertThat(r.summary()).isEqualTo("2 of 2 tables of backup B1's catalog present, 1 created after the backup");
    }

    @Test
    void aMissingTableIsAWarningNamingItNeverAFailure() {
        CheckResult r = SchemaComparison.compare("B1", Optional.of(CATALOG), Map.of("shop", Set.of("public.customers")));
        assertThat(r.status()).isEqualTo(CheckResult.Status.WARN);
        assertThat(r.details()).contains("shop: table public.orders is missing");
        CheckResult noDb = SchemaComparison.compare("B1", Optional.of(CATALOG), Map.of());
        assertThat(noDb.status()).isEqualTo(CheckResult.Status.WARN);
        assertThat(noDb.details()).contains("database shop (2 tables) is missing");
    }

    @Test
    void aBackupWithoutACatalogIsAWarning() {
        assertThat(SchemaComparison.compare("B0", Optional.empty(), Map.of("shop", Set.of("public.t"))).status())
                .isEqualTo(CheckResult.Status.WARN);
    }

    private static CatalogSnapshot.Table table(String schema, String name) {
        return new CatalogSnapshot.Table(1, schema, name, "r", 1, 0, List.of(), 0, 0);
    }
}
