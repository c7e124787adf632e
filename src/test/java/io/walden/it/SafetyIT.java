package io.walden.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures and bad input: one clear message, a non-zero exit, and nothing lost or half-written. */
class SafetyIT {

    @Test
    void aCorruptedObjectFailsTheRestoreAndTheOriginalClusterKeepsRunning() throws Exception {
        try (Scenario s = new Scenario("corrupt")) {
            s.pg.sql("CREATE TABLE t (id int, pad text)", "INSERT INTO t SELECT g, repeat('y', 500) FROM generate_series(1, 20000) g");
            String id = s.backup();
            s.pg.sql("INSERT INTO t SELECT g, 'after' FROM generate_series(1, 77) g");
            long before = s.count("t");
            Path largest = largestFile(s.repo.resolve("backups").resolve(id).resolve("data"));
            TestDirs.flipByteInTheMiddle(largest);

            Cli.Result r = s.cli.run("restore", "--pgdata", s.pg.pgdata().toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("restore failed:").containsAnyOf("fails its checksum", "damaged body")
                    .contains("the previous PGDATA was put back and PostgreSQL started again");
            assertThat(r.err()).doesNotContain("Exception");
            assertThat(s.count("t")).isEqualTo(before);
            assertThat(s.pg.pgdata().resolveSibling("pgdata.pre-restore")).doesNotExist();
        }
    }

    @Test
    void badInputGetsOneMessageANonZeroExitAndNoChangeOnDisk() throws Exception {
        try (Scenario s = new Scenario("badinput")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup();
            s.pg.sql("SELECT pg_switch_wal()");
            List<String> before = TestDirs.pgdataListing(s.pg.pgdata());
            String pgdata = s.pg.pgdata().toString();

            Cli.Result noZone = s.cli.run("restore", "--pgdata", pgdata, "--target-time", "2026-02-13 14:30:00");
            assertThat(noZone.exit()).isEqualTo(2);
            assertThat(noZone.err()).isEqualTo("walden: the time '2026-02-13 14:30:00' has no time zone\n"
                    + "HINT: add a time zone, e.g. UTC: '2026-02-13 14:30:00 UTC'\n");

            Cli.Result tooEarly = s.cli.run("restore", "--pgdata", pgdata, "--target-time", "2020-01-01 00:00:00 UTC");
            assertThat(tooEarly.exit()).isEqualTo(1);
            assertThat(tooEarly.err()).contains("walden: the target time 2020-01-01 00:00:00.000 UTC is outside the recoverable window ");

            Cli.Result tooLate = s.cli.run("restore", "--pgdata", pgdata, "--target-time", "2099-01-01T00:00:00Z");
            assertThat(tooLate.exit()).isEqualTo(1);
            assertThat(tooLate.err()).contains("is outside the recoverable window");

            Cli.Result unknown = s.cli.run("restore", "--pgdata", pgdata, "--backup", "20200101T000000Z");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("walden: no backup 20200101T000000Z in the repository at " + s.repo);

            Cli.Result badLsn = s.cli.run("restore", "--pgdata", pgdata, "--target-lsn", "banana");
            assertThat(badLsn.exit()).isEqualTo(2);
            assertThat(badLsn.err()).startsWith("walden: 'banana' is not a WAL location");

            Cli.Result cloneOverCluster = s.cli.with("WALDEN_REPO", "").run("restore", "--from", s.repo.toString(), "--pgdata", pgdata);
            assertThat(cloneOverCluster.exit()).isEqualTo(1);
            assertThat(cloneOverCluster.err()).startsWith("walden: PGDATA " + pgdata + " is not empty; a clone needs an empty or missing directory");

            Cli.Result noRepo = s.cli.with("WALDEN_REPO", "").run("list");
            assertThat(noRepo.exit()).isEqualTo(2);
            assertThat(noRepo.err()).isEqualTo("walden: no repository given\nHINT: pass --repo PATH, or set WALDEN_REPO\n");

            assertThat(TestDirs.pgdataListing(s.pg.pgdata())).isEqualTo(before);
            assertThat(s.pg.isRunning()).isTrue();
            assertThat(s.count("t")).isEqualTo(10);
        }
    }

    @Test
    void anotherClustersWalAndBackupsAreRefused() throws Exception {
        try (Scenario s = new Scenario("foreign"); Scenario other = new Scenario("other")) {
            s.backup();
            other.pg.sql("CREATE TABLE x (id int)", "SELECT pg_switch_wal()");
            Path segment = anySegment(other.repo);
            Path copy = Files.createTempDirectory(other.base, "seg").resolve(segment.getFileName().toString());
            Cli.Result fetched = other.cli.run("wal-fetch", segment.getFileName().toString(), copy.toString());
            assertThat(fetched.exit()).as(fetched.toString()).isZero();

            Cli.Result push = s.cli.run("wal-push", copy.toString());
            assertThat(push.exit()).isEqualTo(1);
            assertThat(push.err()).startsWith("walden: the repository at " + s.repo + " belongs to another cluster");

            Cli.Result backup = other.cli.with("WALDEN_REPO", s.repo.toString()).run("backup");
            assertThat(backup.exit()).isEqualTo(1);
            assertThat(backup.err()).contains("belongs to another cluster");
            assertThat(Files.list(s.repo.resolve("backups")).count()).isEqualTo(1);
        }
    }

    @Test
    void walPushIsIdempotentUnderConcurrencyAndNeverOverwrites() throws Exception {
        try (Scenario s = new Scenario("walpush")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()");
            Path archived = anySegment(s.repo);
            String name = archived.getFileName().toString();
            Path dir = Files.createTempDirectory(s.base, "push");
            Path original = dir.resolve(name);
            assertThat(s.cli.run("wal-fetch", name, original.toString()).exit()).isZero();

            Path fresh = Files.createTempDirectory(s.base, "fresh-repo");
            Cli cli = s.cli.with("WALDEN_REPO", fresh.toString());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Cli.Result>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit((Callable<Cli.Result>) () -> cli.run("wal-push", original.toString())));
            }
            for (Future<Cli.Result> f : results) {
                assertThat(f.get().exit()).as(f.get().toString()).isZero();
            }
            pool.shutdown();
            assertThat(cli.run("wal-push", original.toString()).exit()).as("same content again").isZero();
            try (Stream<Path> files = Files.walk(fresh.resolve("wal"))) {
                assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList()).containsExactly(name);
            }

            Path altered = Files.createTempDirectory(s.base, "altered").resolve(name);
            Files.copy(original, altered);
            TestDirs.flipByteInTheMiddle(altered);
            Cli.Result conflict = cli.run("wal-push", altered.toString());
            assertThat(conflict.exit()).isEqualTo(1);
            assertThat(conflict.err()).startsWith("walden: WAL file " + name + " is already in the repository at " + fresh
                    + " with different content; nothing was overwritten");

            Path back = dir.resolve("back");
            assertThat(cli.run("wal-fetch", name, back.toString()).exit()).isZero();
            assertThat(Files.mismatch(back, original)).as("the archived copy is the original").isEqualTo(-1L);

            Cli.Result missing = cli.run("wal-fetch", "00000009.history", dir.resolve("h").toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.out() + missing.err()).isEmpty();
            assertThat(dir.resolve("h")).doesNotExist();
        }
    }

    @Test
    void aSecondBackupWhileOneHoldsTheRepositoryIsRefusedNamingTheHolder() throws Exception {
        try (Scenario s = new Scenario("lock")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup();
            try (var held = io.walden.repo.RepositoryLock.acquire(new io.walden.repo.Repository(
                    new io.walden.storage.LocalStorage(s.repo)), "backup", java.time.Duration.ZERO)) {
                Cli.Result second = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString());
                assertThat(second.exit()).isEqualTo(1);
                assertThat(second.err()).startsWith("walden: the repository at " + s.repo + " is locked: backup by process "
                        + ProcessHandle.current().pid() + " on ")
                        .contains("HINT: wait for it to finish, or pass --wait SECONDS to queue behind it");
            }
            assertThat(s.cli.run("list").out().lines().count()).as("header and the one backup").isEqualTo(2);
            s.backup(); // released: the next one goes ahead
        }
    }

    private static Path largestFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    private static Path anySegment(Path repo) throws IOException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Stream<Path> files = Files.walk(repo.resolve("wal"))) {
                var found = files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (java.nio.file.NoSuchFileException ignored) {
                // not created yet
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no WAL segment archived into " + repo);
            }
            Scenario.pause(200);
        }
    }
}
