package io.walden.it;

import io.walden.pg.ShellQuote;

import io.walden.error.WaldenException;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.PgConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixture every other integration test stands on: a real cluster starts, answers SQL and stops. */
class TestClusterIT {
    private Path baseDir;

    @BeforeEach
    void makeBaseDir() {
        baseDir = TestDirs.newBaseDir("walden-it-");
    }

    @AfterEach
    void removeBaseDir() {
        TestDirs.deleteTree(baseDir);
    }

    @Test
    void startsAnswersSqlAndStops() throws SQLException {
        try (TestCluster cluster = TestCluster.create(baseDir, "smoke", "true")) {
            cluster.start();
            assertThat(cluster.isRunning()).isTrue();

            cluster.sql("CREATE TABLE t (id int PRIMARY KEY, v text)",
                    "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g");

            assertThat(cluster.queryLong("SELECT count(*) FROM t")).isEqualTo(1000);
            assertThat(cluster.queryString("SHOW archive_mode")).isEqualTo("on");
            assertThat(cluster.queryString("SHOW wal_level")).isEqualTo("replica");
            assertThat(cluster.queryLong("SELECT setting::int FROM pg_settings WHERE name = 'port'"))
                    .isEqualTo(cluster.port());

            ConnectionSettings fromPgdata = ConnectionSettings.resolve(Optional.empty(),
                    Map.of("PGUSER", "postgres", "PGHOST", "/var/run/postgresql"), Optional.of(cluster.pgdata()));
            assertThat(fromPgdata.port()).isEqualTo(cluster.port());
            try (Connection c = new PgConnector(fromPgdata).open()) {
                assertThat(c.isValid(5)).isTrue();
            }

            cluster.stop();
            assertThat(cluster.isRunning()).isFalse();
            assertThatThrownBy(() -> new PgConnector(fromPgdata).open())
                    .isInstanceOf(WaldenException.class)
                    .hasMessageStartingWith("cannot connect to PostgreSQL at 127.0.0.1:" + cluster.port()
                            + " as postgres: ");
            assertThat(cluster.logFile()).exists();
            assertThat(Files.exists(cluster.pgdata().resolve("postmaster.pid"))).isFalse();
        }
        assertThat(baseDir.resolve("smoke")).doesNotExist();
    }

    @Test
    void archiveCommandRunsAsTheServerUser() throws InterruptedException {
        Path archive = TestDirs.serverDir(baseDir, "archive");
        try (TestCluster cluster = TestCluster.create(baseDir, "archiving")) {
            cluster.withArchiveCommand("cp %p " + ShellQuote.quote(archive.toString()) + "/%f");
            cluster.start();
            cluster.sql("CREATE TABLE t AS SELECT g FROM generate_series(1, 100) g");
            String segment = cluster.queryString("SELECT pg_walfile_name(pg_switch_wal())");

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Files.notExists(archive.resolve(segment)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(archive.resolve(segment)).exists();
        }
    }

    @Test
    void waldenCommandIsShellQuoted() {
        String command = TestCluster.waldenCommand(Path.of("/tmp/it's/walden.jar"));

        assertThat(command).startsWith("/").endsWith("-jar '/tmp/it'\\''s/walden.jar'");
    }
}
