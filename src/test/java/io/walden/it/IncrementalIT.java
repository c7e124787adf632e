package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.walden.repo.Json;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Incremental backups and restores in place (--delta), against real PostgreSQL. */
class IncrementalIT {
    /** md5 of every table's rows in a stable order: equal sums mean equal data. */
    private static final String[] TABLES = {"accounts", "branches", "notes"};

    @Test
    void incrementalChainRestoresEachBackupExactly() throws Exception {
        try (Scenario s = new Scenario("incr")) {
            load(s);
            String full = s.backup("--type", "full");

            // about 5 % of the big table changes, the small ones change wholesale
            // 5 % of the rows, together (spread evenly, 5 % of the rows would touch nearly every page)
            s.pg.sql("UPDATE accounts SET balance = balance + 1 WHERE id <= 10000",
                    "INSERT INTO branches SELECT g, 'branch ' || g FROM generate_series(101, 150) g",
                    "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                    "INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            Map<String, String> first = sums(s);
            String incr1 = s.backup();
            String accounts = s.pg.queryString("SELECT pg_relation_filepath('accounts')");
            assertThat(file(s, incr1, accounts).isDelta()).as("a few changed pages: stored as changed blocks").isTrue();

            // shrink, rewrite (VACUUM FULL gives new relation files), drop and grow
            s.pg.sql("DELETE FROM accounts WHERE id > 150000",
                    "VACUUM accounts",
                    "VACUUM FULL branches",
                    "DROP TABLE notes",
                    "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                    "INSERT INTO notes SELECT g, repeat('n', 300) FROM generate_series(1, 20000) g");
            Map<String, String> second = sums(s);
            String incr2 = s.backup("--type", "incr");

            JsonNode backups = Json.mapper().readTree(s.ok("list", "--json").out());
            assertThat(backups).hasSize(3);
            assertThat(backups.get(0).get("type").asText()).isEqualTo("full");
            assertThat(backups.get(1).get("type").asText()).isEqualTo("incr");
            assertThat(backups.get(1).get("parent").asText()).isEqualTo(full);
            assertThat(backups.get(2).get("parent").asText()).isEqualTo(incr1);
            long fullStored = backups.get(0).get("storedSize").asLong();
            assertThat(backups.get(1).get("storedSize").asLong()).as("incremental after 5 %% of rows changed: %s", backups)
                    .isLessThan(fullStored / 2);
            assertThat(s.ok("list").out()).containsPattern(incr1 + "\\s+incr ");

            s.restore("--backup", incr1, "--immediate");
            assertThat(sums(s)).isEqualTo(first);
            s.restore("--backup", incr2, "--immediate", "--target-timeline", "1");
            assertThat(sums(s)).isEqualTo(second);

            Cli.Result verify = s.cli.run("verify", incr2);
            assertThat(verify.exit()).as(verify.toString()).isZero();
            assertThat(verify.out()).contains("backup " + full).contains("backup " + incr1).contains("backup " + incr2);
        }
    }

    @Test
    void deltaRestoreEqualsARestoreIntoAnEmptyDirectoryOnEveryFile() throws Exception {
        try (Scenario s = new Scenario("delta")) {
            load(s);
            s.backup("--type", "full");
            s.pg.sql("UPDATE accounts SET balance = balance - 1 WHERE id % 20 = 1");
            String incr = s.backup();
            Manifest.FileEntry accounts = file(s, incr, s.pg.queryString("SELECT pg_relation_filepath('accounts')"));
            assertThat(accounts.isDelta()).as("every page changed: stored whole").isFalse();
            assertThat(accounts.objectBackup(incr)).isEqualTo(incr);
            Map<String, String> atBackup = sums(s);
            // PGDATA moves on: changed pages, a new table, new WAL
            s.pg.sql("UPDATE accounts SET balance = 0 WHERE id % 10 = 3",
                    "CREATE TABLE after_backup (id int)", "INSERT INTO after_backup SELECT generate_series(1, 5000)",
                    "CHECKPOINT");

            Cli.Result delta = s.restore("--delta", "--backup", incr, "--no-start");
            assertThat(delta.err()).contains("in place (--delta)").contains("already matched the backup");
            Path fresh = s.base.resolve("fresh");
            s.ok("restore", "--pgdata", fresh.toString(), "--backup", incr, "--no-start");

            assertSameFiles(s.pg.pgdata(), fresh);
            assertThat(s.pg.pgdata().resolveSibling("pgdata.pre-restore")).doesNotExist();

            // a few blocks of a large file differ: it is written block by block, only where it differs
            try (java.io.RandomAccessFile rel = new java.io.RandomAccessFile(s.pg.pgdata().resolve(accounts.path()).toFile(), "rw")) {
                for (long block : new long[] {1, 2, 200}) {
                    rel.seek(block * 8192 + 100);
                    rel.write(new byte[] {1, 2, 3});
                }
            }
            Cli.Result patched = s.restore("--delta", "--backup", incr, "--no-start");
            assertThat(patched.err()).containsPattern("\\(\\d+ MB of it unchanged blocks of files that changed\\)");
            assertSameFiles(s.pg.pgdata(), fresh);

            // and it recovers: to the latest state, then (again in place) back to the backup
            s.restore("--delta");
            assertThat(s.count("after_backup")).isEqualTo(5000);
            s.restore("--delta", "--backup", incr, "--immediate");
            assertThat(sums(s)).isEqualTo(atBackup);
        }
    }

    @Test
    void badKindsAreRefusedBeforeAnythingIsWritten() throws Exception {
        try (Scenario s = new Scenario("incr-usage")) {
            Cli.Result type = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString(), "--type", "differential");
            assertThat(type.exit()).isEqualTo(2);
            assertThat(type.err()).contains("--type must be full, incr or auto");
            Cli.Result chain = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString(), "--max-chain", "0");
            assertThat(chain.exit()).isEqualTo(2);
            assertThat(chain.err()).contains("--max-chain must be at least 1");
            Cli.Result clone = s.cli.run("restore", "--pgdata", s.base.resolve("clone").toString(), "--from",
                    s.repoSpec, "--delta");
            assertThat(clone.exit()).isEqualTo(2);
            assertThat(clone.err()).contains("--delta restores over this repository's own cluster");

            // the first incremental of a repository has nothing to build on: it is a full backup, and says why
            Cli.Result first = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString(), "--type", "incr");
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(first.err()).contains("full backup: the repository has no backup to build on");
        }
    }

    /** The same files with the same bytes, but for postgresql.auto.conf, which holds the time it was written. */
    private static void assertSameFiles(Path inPlace, Path fresh) throws IOException {
        Map<String, byte[]> written = files(inPlace);
        Map<String, byte[]> empty = files(fresh);
        assertThat(written.keySet()).isEqualTo(empty.keySet());
        assertThat(written.keySet()).anyMatch(p -> p.startsWith("base/"));
        for (String path : empty.keySet()) {
            if (!path.equals("postgresql.auto.conf")) {
                assertThat(written.get(path)).as(path).isEqualTo(empty.get(path));
            }
        }
    }

    private static Manifest.FileEntry file(Scenario s, String backupId, String path) throws IOException {
        Manifest manifest = new Repository(new LocalStorage(s.repo)).readManifest(backupId);
        return manifest.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    private static void load(Scenario s) {
        // about 30 MB: several relation files large enough to be stored block by block
        s.pg.sql("CREATE TABLE accounts (id int PRIMARY KEY, balance bigint, filler text)",
                "INSERT INTO accounts SELECT g, 0, md5(g::text) || repeat('x', 80) FROM generate_series(1, 200000) g",
                "CREATE TABLE branches (id int PRIMARY KEY, name text)",
                "INSERT INTO branches SELECT g, 'branch ' || g FROM generate_series(1, 100) g",
                // settle hint bits and the visibility map now, or the first read after the full backup changes every page
                "VACUUM (FREEZE, ANALYZE)");
    }

    private static Map<String, String> sums(Scenario s) {
        Map<String, String> out = new TreeMap<>();
        for (String table : TABLES) {
            boolean exists = s.pg.queryLong("SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'") > 0;
            out.put(table, exists ? s.pg.queryString("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
                    + " FROM " + table + " t") : "absent");
        }
        return out;
    }

    /** Every regular file of a PGDATA but the server's logs, by relative path. */
    private static Map<String, byte[]> files(Path pgdata) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(pgdata)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String rel = pgdata.relativize(p).toString();
                if (!rel.startsWith("log/")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
