package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walden.pg.ShellQuote;
import io.walden.storage.s3.S3TestEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An encrypted repository on a real S3-protocol server (s3proxy in this JVM), every walden command run as
 * its own process as in production: archive, two backups around a key rotation, a wrong key, PITR that
 * needs both keys, and a clone to another PGDATA.
 */
class S3RepositoryIT {

    static Scenario.Setup s3Encrypted(Path base) {
        S3TestEndpoint s3 = S3TestEndpoint.shared();
        Path keys = TestKeys.generate(base);
        Map<String, String> env = new HashMap<>(s3.env());
        env.put("WALDEN_ENCRYPTION_KEY_FILE", keys.toString());
        String prefix = "it-" + Long.toHexString(System.nanoTime()) + "/15";
        return new Scenario.Setup(s3.repo(prefix), null, " --encryption-key-file " + ShellQuote.quote(keys.toString()), env, true);
    }

    @Test
    void encryptedOnS3BackupRotationWrongKeyPointInTimeAndClone() throws Exception {
        try (Scenario s = new Scenario("s3", S3RepositoryIT::s3Encrypted)) {
            Path keyset = Path.of(s.cli.env("WALDEN_ENCRYPTION_KEY_FILE"));
            s.pg.sql("CREATE TABLE t (id int, pad text)", "INSERT INTO t SELECT g, repeat('z', 300) FROM generate_series(1, 20000) g");
            String first = s.backup();
            s.ok("key", "rotate", keyset.toString());
            s.pg.sql("INSERT INTO t SELECT g, 'second' FROM generate_series(1, 100) g");
            s.ok("--compression", "lz4", "backup", "--pgdata", s.pg.pgdata().toString());
            s.pg.sql("INSERT INTO t SELECT g, 'third' FROM generate_series(1, 10) g");
            Scenario.pause(300);
            String target = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DELETE FROM t", "SELECT pg_switch_wal()");

            JsonNode info = new ObjectMapper().readTree(s.ok("repo", "info", "--json").out());
            assertThat(info.path("location").asText()).isEqualTo(s.repoSpec);
            assertThat(info.path("backups").asInt()).isEqualTo(2);
            assertThat(info.path("objectsByKey").size()).as(info.toString()).isEqualTo(2);
            assertThat(info.path("objectsByCompression").has("lz4")).isTrue();

            // a keyset without the repository's keys: refused before PGDATA is touched
            Path other = s.base.resolve("other.keyset");
            s.ok("key", "generate", other.toString());
            var before = TestDirs.pgdataListing(s.pg.pgdata());
            Cli.Result wrong = s.cli.with("WALDEN_ENCRYPTION_KEY_FILE", other.toString()).run("restore", "--pgdata", s.pg.pgdata().toString());
            assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
            assertThat(wrong.err()).contains(", which is not in the keyset from " + other).doesNotContain("Exception");
            assertThat(TestDirs.pgdataListing(s.pg.pgdata())).isEqualTo(before);
            assertThat(s.count("t")).isZero();

            // PITR from the first backup (first key) through WAL written with both keys
            s.restore("--backup", first, "--target-time", target);
            assertThat(s.count("t")).isEqualTo(20110);

            // a clone on another port, from the S3 repository, archiving into its own local one
            s.switchWalAndWaitArchived();
            Path cloneDir = TestDirs.serverDir(s.base, "clone");
            Path cloneRepo = TestDirs.serverDir(s.base, "clone-repo");
            int port = TestClusterPorts.free();
            Cli.Result clone = s.cli.run("--repo", cloneRepo.toString(), "restore", "--from", s.repoSpec,
                    "--pgdata", cloneDir.resolve("pgdata").toString(), "--port", Integer.toString(port));
            assertThat(clone.exit()).as(clone.toString()).isZero();
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                 var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(20110);
            } finally {
                new io.walden.pg.PgCtl(TestCluster.binaries(), cloneDir.resolve("pgdata"), s.pg.osUser())
                        .stop("immediate", java.time.Duration.ofSeconds(60));
            }
        }
    }
}
