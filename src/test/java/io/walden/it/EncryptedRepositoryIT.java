package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walden.pg.ShellQuote;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** An encrypted repository end to end: archive, backups on both sides of a key rotation, PITR, wrong key. */
class EncryptedRepositoryIT {

    /** A local repository whose keyset lives in the base directory, owned by the server's user (it runs archive_command). */
    static Scenario.Setup localEncrypted(Path base) {
        Path keys = TestKeys.generate(base);
        Path repo = TestDirs.serverDir(base, "repo");
        return new Scenario.Setup(repo.toString(), repo, " --encryption-key-file " + ShellQuote.quote(keys.toString()),
                Map.of("WALDEN_ENCRYPTION_KEY_FILE", keys.toString()));
    }

    @Test
    void rotationAndACompressionChangeBetweenTwoBackupsThenAPointInTimeRestoreThatNeedsBothKeys() throws Exception {
        try (Scenario s = new Scenario("encrypted", EncryptedRepositoryIT::localEncrypted)) {
            Path keyset = Path.of(s.cli.env("WALDEN_ENCRYPTION_KEY_FILE"));
            s.pg.sql("CREATE TABLE t (id int, secret text)", "INSERT INTO t SELECT g, 'plaintext-marker-' || g FROM generate_series(1, 5000) g");
            String first = s.backup();
            String firstKey = onlyKey(s);

            Cli.Result rotated = s.ok("key", "rotate", keyset.toString());
            assertThat(rotated.out()).startsWith("keyset " + keyset + ": new primary key ");
            s.pg.sql("INSERT INTO t SELECT g, 'second' FROM generate_series(1, 100) g");
            s.ok("--compression", "lz4", "backup", "--pgdata", s.pg.pgdata().toString());
            s.pg.sql("INSERT INTO t SELECT g, 'third' FROM generate_series(1, 10) g");
            Scenario.pause(300);
            String target = s.serverNow();
            Scenario.pause(300);
            s.pg.sql("DELETE FROM t", "SELECT pg_switch_wal()");

            JsonNode info = new ObjectMapper().readTree(s.ok("repo", "info", "--json").out());
            assertThat(info.path("identity").path("encryption").asText()).isEqualTo("aes256-gcm-hkdf-1mb");
            assertThat(info.path("objectsByKey").has(firstKey)).isTrue();
            assertThat(info.path("objectsByKey").size()).as(info.toString()).isEqualTo(2);
            assertThat(info.path("objectsByKey").has("none")).isFalse();
            assertThat(info.path("objectsByCompression").has("lz4")).as(info.toString()).isTrue();
            assertThat(info.path("objectsByCompression").has("zstd")).as(info.toString()).isTrue();
            assertThat(grepRepository(s.repo, "plaintext-marker-")).as("no plaintext in the repository").isFalse();
            for (String secret : io.walden.codec.KeyMaterial.secrets(io.walden.codec.KeysetFile.read(keyset))) {
                assertThat(grepRepository(s.repo, secret)).as("no key in the repository").isFalse();
            }

            // the first backup was written with the first key, the WAL after it with both
            Cli.Result r = s.restore("--backup", first, "--target-time", target);
            assertThat(r.out()).contains("recovery stopped");
            assertThat(s.count("t")).isEqualTo(5110);
        }
    }

    @Test
    void theWrongKeyOrNoKeyIsRefusedAndNothingChanges() throws Exception {
        try (Scenario s = new Scenario("wrongkey", EncryptedRepositoryIT::localEncrypted)) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 42)");
            s.backup();
            String key = onlyKey(s);
            Path other = s.base.resolve("other.keyset");
            s.ok("key", "generate", other.toString());
            String pgdata = s.pg.pgdata().toString();
            var before = TestDirs.pgdataListing(s.pg.pgdata());

            Cli.Result wrong = s.cli.with("WALDEN_ENCRYPTION_KEY_FILE", other.toString()).run("restore", "--pgdata", pgdata);
            assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
            assertThat(wrong.err()).contains("is encrypted with key " + key + ", which is not in the keyset from " + other)
                    .contains("HINT: give the keyset that holds key " + key);

            Cli.Result none = s.cli.with("WALDEN_ENCRYPTION_KEY_FILE", "").run("backup", "--pgdata", pgdata);
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).startsWith("walden: the repository at " + s.repo + " is encrypted, and no key was given\n");

            assertThat(TestDirs.pgdataListing(s.pg.pgdata())).isEqualTo(before);
            assertThat(s.count("t")).isEqualTo(42);
            assertThat(s.cli.run("list").out().lines().count()).as("still one backup").isEqualTo(2);
        }
    }

    private static String onlyKey(Scenario s) throws Exception {
        JsonNode byKey = new ObjectMapper().readTree(s.ok("repo", "info", "--json").out()).path("objectsByKey");
        assertThat(byKey.size()).as(byKey.toString()).isEqualTo(1);
        return byKey.fieldNames().next();
    }

    private static boolean grepRepository(Path repo, String needle) throws Exception {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(repo)) {
            // archive_command may be writing meanwhile: its temporary files come and go, skip them
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                byte[] b;
                try {
                    b = Files.readAllBytes(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                outer:
                for (int i = 0; i + n.length <= b.length; i++) {
                    for (int j = 0; j < n.length; j++) {
                        if (b[i + j] != n[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }
}
