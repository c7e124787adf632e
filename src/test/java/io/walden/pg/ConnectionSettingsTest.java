package io.walden.pg;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionSettingsTest {
    private static ConnectionSettings resolve(String url, Map<String, String> env) {
        return ConnectionSettings.resolve(Optional.ofNullable(url), env, Optional.empty());
    }

    @Test
    void libpqUriGivesEveryField() {
        ConnectionSettings s = resolve("postgresql://alice:s3cr%40t@db.example:6543/sales?sslmode=require"
                + "&application_name=nightly&connect_timeout=3", Map.of());

        assertThat(s.host()).isEqualTo("db.example");
        assertThat(s.port()).isEqualTo(6543);
        assertThat(s.user()).isEqualTo("alice");
        assertThat(s.password()).contains("s3cr@t");
        assertThat(s.database()).isEqualTo("sales");
        assertThat(s.properties()).containsEntry("sslmode", "require")
                .containsEntry("ApplicationName", "nightly")
                .containsEntry("connectTimeout", "3");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/sales");
    }

    @Test
    void postgresSchemeAndPlusSignAreLibpqStyle() {
        ConnectionSettings s = resolve("postgres://bob:a+b@h/db", Map.of());

        assertThat(s.user()).isEqualTo("bob");
        assertThat(s.password()).contains("a+b");
        assertThat(s.port()).isEqualTo(5432);
    }

    @Test
    void jdbcUrlWithUserAndPasswordParameters() {
        ConnectionSettings s = resolve("jdbc:postgresql://10.1.2.3:5433/app?user=carol&password=pw&ssl=true",
                Map.of());

        assertThat(s.host()).isEqualTo("10.1.2.3");
        assertThat(s.port()).isEqualTo(5433);
        assertThat(s.user()).isEqualTo("carol");
        assertThat(s.password()).contains("pw");
        assertThat(s.database()).isEqualTo("app");
        assertThat(s.properties()).containsEntry("ssl", "true").doesNotContainKeys("user", "password");
    }

    @Test
    void jdbcUrlWithDatabaseOnlyTakesHostFromEnvironment() {
        ConnectionSettings s = resolve("jdbc:postgresql:inventory", Map.of("PGHOST", "envhost", "PGPORT", "7000"));

        assertThat(s.host()).isEqualTo("envhost");
        assertThat(s.port()).isEqualTo(7000);
        assertThat(s.database()).isEqualTo("inventory");
    }

    @Test
    void ipv6HostIsBracketedInTheJdbcUrl() {
        ConnectionSettings s = resolve("postgresql://[::1]:5544/postgres", Map.of());

        assertThat(s.host()).isEqualTo("::1");
        assertThat(s.port()).isEqualTo(5544);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5544/postgres");
    }

    @Test
    void socketDirectoryHostMeansLoopback() {
        assertThat(resolve("postgresql://%2Fvar%2Frun%2Fpostgresql:5435/db", Map.of()).host()).isEqualTo("127.0.0.1");
        assertThat(resolve("postgresql:///db?host=/tmp&port=5436", Map.of()))
                .satisfies(s -> {
                    assertThat(s.host()).isEqualTo("127.0.0.1");
                    assertThat(s.port()).isEqualTo(5436);
                    assertThat(s.database()).isEqualTo("db");
                });
        assertThat(resolve(null, Map.of("PGHOST", "/var/run/postgresql")).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void urlWinsOverEnvironmentFieldByField() {
        Map<String, String> env = Map.of("PGHOST", "envhost", "PGPORT", "6000", "PGUSER", "envuser",
                "PGDATABASE", "envdb", "PGPASSWORD", "envpw", "PGSSLMODE", "disable");

        ConnectionSettings s = resolve("postgresql://urluser@urlhost/urldb", env);

        assertThat(s.host()).isEqualTo("urlhost");
        assertThat(s.user()).isEqualTo("urluser");
        assertThat(s.database()).isEqualTo("urldb");
        assertThat(s.port()).isEqualTo(6000);
        assertThat(s.password()).contains("envpw");
        assertThat(s.properties()).containsEntry("sslmode", "disable");
    }

    @Test
    void environmentAloneGivesEveryField() {
        ConnectionSettings s = resolve(null, Map.of("PGHOST", "envhost", "PGPORT", "6000", "PGUSER", "envuser",
                "PGDATABASE", "envdb", "PGPASSWORD", "envpw"));

        assertThat(s.describe()).isEqualTo("envhost:6000 as envuser");
        assertThat(s.database()).isEqualTo("envdb");
        assertThat(s.password()).contains("envpw");
    }

    @Test
    void defaultsWithoutAnySource() {
        ConnectionSettings s = resolve(null, Map.of("PGHOST", "", "PGPORT", " "));

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(5432);
        assertThat(s.user()).isEqualTo(OsUser.currentName());
        assertThat(s.database()).isEqualTo("postgres");
        assertThat(s.password()).isEmpty();
    }

    @Test
    void dataDirectoryGivesPortAndOwner(@TempDir Path pgdata) throws IOException {
        Files.writeString(pgdata.resolve("postmaster.pid"),
                "4242\n" + pgdata + "\n1700000000\n5499\n/tmp\n*\n  1234   5678\nready   \n");

        ConnectionSettings s = ConnectionSettings.resolve(Optional.empty(), Map.of(), Optional.of(pgdata));

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(5499);
        assertThat(s.user()).isEqualTo(OsUser.ownerOf(pgdata));

        ConnectionSettings withEnv = ConnectionSettings.resolve(Optional.empty(), Map.of("PGPORT", "6001"),
                Optional.of(pgdata));
        assertThat(withEnv.port()).isEqualTo(6001);
    }

    @Test
    void serverListeningOnOneAddressIsReachedThere(@TempDir Path pgdata) throws IOException {
        Files.writeString(pgdata.resolve("postmaster.pid"),
                "4242\n" + pgdata + "\n1700000000\n5499\n/tmp\n10.0.0.7\n  1234   5678\nready   \n");

        ConnectionSettings s = ConnectionSettings.resolve(Optional.empty(), Map.of(), Optional.of(pgdata));

        assertThat(s.host()).isEqualTo("10.0.0.7");
    }

    @Test
    void passwordNeverAppearsInToString() {
        ConnectionSettings s = resolve("postgresql://u:hunter2@h/db", Map.of());

        assertThat(s.toString()).doesNotContain("hunter2").contains("password=(set)");
        assertThat(s.jdbcUrl()).doesNotContain("hunter2");
        assertThat(s.jdbcProperties().getProperty("password")).isEqualTo("hunter2");
    }

    @Test
    void badUrlsAreUsageErrorsWithoutThePassword() {
        assertThatThrownBy(() -> resolve("mysql://u:hunter2@h/db", Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessage("--pg-url must start with postgresql://, postgres:// or jdbc:postgresql:")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> resolve("postgresql://u:hunter2@h:port/db", Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessage("--pg-url has an invalid port: 'port'");
        assertThatThrownBy(() -> resolve("postgresql://h1,h2/db", Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("several hosts");
        assertThatThrownBy(() -> resolve(null, Map.of("PGPORT", "99999")))
                .isInstanceOf(UsageException.class)
                .hasMessage("PGPORT has an invalid port: '99999'");
    }
}
