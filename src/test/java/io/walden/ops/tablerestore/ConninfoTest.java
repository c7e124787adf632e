package io.walden.ops.tablerestore;

import io.walden.error.UsageException;
import io.walden.pg.ConnectionSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConninfoTest {
    @Test
    void readsKeywordValuePairsWithQuotes() {
        assertThat(Conninfo.parsePairs("host=db1 port = 5433  dbname='my shop' password='it\\'s'"))
                .containsExactly(Map.entry("host", "db1"), Map.entry("port", "5433"), Map.entry("dbname", "my shop"),
                        Map.entry("password", "it's"));
        assertThatThrownBy(() -> Conninfo.parsePairs("host")).isInstanceOf(UsageException.class)
                .hasMessage("--into: expected keyword=value at 'host'");
        assertThatThrownBy(() -> Conninfo.parsePairs("dbname='open")).isInstanceOf(UsageException.class)
                .hasMessage("--into: unterminated quoted value of dbname");
    }

    @Test
    void resolvesPairsAndUrlsCompletedFromTheEnvironment() {
        Map<String, String> env = Map.of("PGUSER", "app", "PGPASSWORD", "secret", "PGPORT", "6000");
        ConnectionSettings pairs = Conninfo.resolve("host=10.0.0.5 dbname=shop sslmode=require", env);
        assertThat(pairs.host()).isEqualTo("10.0.0.5");
        assertThat(pairs.port()).isEqualTo(6000);
        assertThat(pairs.user()).isEqualTo("app");
        assertThat(pairs.database()).isEqualTo("shop");
        assertThat(pairs.password()).isEqualTo(Optional.of("secret"));
        assertThat(Conninfo.forLibpq(pairs)).isEqualTo("host='10.0.0.5' port=6000 user='app' dbname='shop' sslmode='require'")
                .doesNotContain("secret");

        ConnectionSettings url = Conninfo.resolve("postgresql://ops@127.0.0.1:5432/app", Map.of());
        assertThat(url.user()).isEqualTo("ops");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("app");
        assertThatThrownBy(() -> Conninfo.resolve("port=x", Map.of())).isInstanceOf(UsageException.class)
                .hasMessage("--into has an invalid port: 'x'");
    }
}
