package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walden.pg.PgBinaries;
import io.walden.pg.ShellQuote;
import io.walden.wal.decode.EmbeddedPgBinaries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archive, backup and point-in-time restore on the PostgreSQL majors that are not installed here, from the
 * server binaries Maven copies before the integration tests: 13 and 14 use the older backup functions
 * (pg_start_backup / pg_stop_backup), 16 and 17 the current ones.
 */
class MajorVersionsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 16, 17})
    void archiveBackupAndPointInTimeRestore(int major) throws Exception {
        Path jar = EmbeddedPgBinaries.jar(major).orElseThrow(() -> new IllegalStateException(
                "the PostgreSQL " + major + " binaries are missing from target/pg-binaries; run 'mvn verify'"));
        Path base = TestDirs.newBaseDir("walden-pg" + major);
        try {
            PgBinaries bins = EmbeddedPgBinaries.unpack(major, jar, base.resolve("pg" + major));
            Path waldenJar = TestCluster.installJar(base);
            String walden = TestCluster.waldenCommand(waldenJar);
            Path repo = TestDirs.serverDir(base, "repo");
            try (TestCluster pg = TestCluster.create(base, "main", walden + " --repo " + ShellQuote.quote(repo.toString())
                    + " wal-push %p", bins, List.of())) {
                pg.start();
                Cli cli = new Cli(Map.of("WALDEN_LAUNCHER", walden, "WALDEN_REPO", repo.toString(), "PGHOST", "127.0.0.1",
                        "PGPORT", Integer.toString(pg.port()), "PGUSER", "postgres", "PGDATABASE", "postgres",
                        "WALDEN_PG_BIN", bins.binDir().toString()));
                pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 100)",
                        "CREATE TABLE u (id int PRIMARY KEY)", "INSERT INTO u SELECT generate_series(1, 40)");
                Cli.Result backup = cli.run("backup", "--pgdata", pg.pgdata().toString());
                assertThat(backup.exit()).as(backup.toString()).isZero();
                pg.sql("INSERT INTO t SELECT generate_series(1, 50)");
                Scenario.pause(300);
                String target = pg.queryString("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
                Scenario.pause(300);
                pg.sql("DELETE FROM t", "TRUNCATE u");
                archived(pg, pg.queryString("SELECT pg_walfile_name(pg_switch_wal())"));

                // blame reads this major's heap, storage and commit records
                Cli.Result blame = cli.run("blame", "--json");
                assertThat(blame.exit()).as(blame.toString()).isZero();
                JsonNode findings = new ObjectMapper().readTree(blame.out()).path("findings");
                assertThat(findings.size()).as(blame.out()).isEqualTo(2);
                assertThat(findings.get(0).path("effects").get(0).path("description").asText()).isEqualTo("DELETE 150 rows from public.t");
                assertThat(findings.get(1).path("effects").get(0).path("description").asText()).isEqualTo("TRUNCATE public.u (about 40 rows)");

                Cli.Result restore = cli.run("restore", "--pgdata", pg.pgdata().toString(), "--target-time", target);
                assertThat(restore.exit()).as(restore.toString()).isZero();
                assertThat(pg.queryLong("SELECT count(*) FROM t")).isEqualTo(150);
                assertThat(cli.run("verify", "--all").exit()).isZero();
            }
        } finally {
            TestDirs.deleteTree(base);
        }
    }

    private static void archived(TestCluster pg, String segment) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (pg.queryString("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver").compareTo(segment) < 0) {
            assertThat(System.nanoTime()).as("segment " + segment + " archived within a minute").isLessThan(deadline);
            Scenario.pause(100);
        }
    }
}
