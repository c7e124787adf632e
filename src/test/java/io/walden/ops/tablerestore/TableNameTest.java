package io.walden.ops.tablerestore;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableNameTest {
    @Test
    void parsesSchemaAndNameQuotedOrNot() {
        assertThat(TableName.parse("public.orders")).isEqualTo(new TableName("public", "orders"));
        assertThat(TableName.parse("orders")).isEqualTo(new TableName("public", "orders"));
        assertThat(TableName.parse("\"My Schema\".\"odd.name\"")).isEqualTo(new TableName("My Schema", "odd.name"));
        assertThat(TableName.parse("sales.\"Q\"\"1\"")).isEqualTo(new TableName("sales", "Q\"1"));
        assertThat(new TableName("sales", "Q\"1").quoted()).isEqualTo("\"sales\".\"Q\"\"1\"");
        assertThatThrownBy(() -> TableName.parse("a.b.c")).isInstanceOf(UsageException.class)
                .hasMessage("--table a.b.c is not SCHEMA.NAME");
        assertThatThrownBy(() -> TableName.parse("a.")).isInstanceOf(UsageException.class);
    }

    @Test
    void aRestoredCopyIsNamedAfterTheTableAndTheMomentAndFitsPostgresLimit() {
        Instant at = Instant.parse("2026-02-13T14:30:05Z");
        assertThat(new TableName("public", "orders").restoredName(at)).isEqualTo("orders_restored_20260213143005");
        String longName = "x".repeat(60);
        String copy = new TableName("public", longName).restoredName(at);
        assertThat(copy).endsWith("_restored_20260213143005").hasSize(63);
    }

    @Test
    void childrenTakeTheCopysNameSoTheyCannotClashWithTheOriginals() {
        assertThat(TableName.childName("orders_pkey", "orders", "orders_restored_1")).isEqualTo("orders_restored_1_pkey");
        assertThat(TableName.childName("by_customer", "orders", "orders_restored_1")).isEqualTo("orders_restored_1_by_customer");
        assertThat(TableName.childName("orders_pkey", "orders", "orders")).isEqualTo("orders_pkey");
        String copy = "o".repeat(50) + "_restored_20260213143005";
        String child = TableName.childName("o".repeat(50) + "_customer_id_created_at_idx", "o".repeat(50), TableName.truncate(copy, 63));
        assertThat(child.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(child).endsWith("_idx");
    }

    @Test
    void truncatesOnCharacterBoundaries() {
        assertThat(TableName.truncate("ééé", 5)).isEqualTo("éé");
        assertThat(TableName.truncate("abc", 5)).isEqualTo("abc");
    }
}
