package io.walden.it;

import io.walden.repo.Repository;
import io.walden.repo.RepositoryLock;
import io.walden.storage.LocalStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Many walden processes on one repository at once: they agree, and nothing is stored twice or half. */
class ConcurrencyIT {
    private static final int SEGMENTS = 10;
    private static final int PUSHES_EACH = 5;

    @Test
    void fiftyConcurrentWalPushesOfTenSegmentsStoreEachOnceAndWhole() throws Exception {
        try (Scenario s = new Scenario("concurrent")) {
            s.pg.sql("CREATE TABLE t (id int, v text)");
            for (int i = 0; i < SEGMENTS; i++) {
                s.pg.sql("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
                s.switchWalAndWaitArchived();
            }
            List<String> names;
            try (Stream<Path> files = Files.walk(s.repo.resolve("wal"))) {
                names = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}")).sorted().toList();
            }
            assertThat(names).hasSizeGreaterThanOrEqualTo(SEGMENTS);
            names = names.subList(names.size() - SEGMENTS, names.size());
            Path originals = TestDirs.serverDir(s.base, "originals");
            for (String n : names) {
                assertThat(s.cli.run("wal-fetch", n, originals.resolve(n).toString()).exit()).isZero();
            }

            // a fresh repository: the pushes also race to claim it
            Path fresh = TestDirs.serverDir(s.base, "fresh-repo");
            Cli cli = s.cli.with("WALDEN_REPO", fresh.toString());
            List<String> pushes = new ArrayList<>();
            for (int i = 0; i < PUSHES_EACH; i++) {
                pushes.addAll(names);
            }
            Collections.shuffle(pushes, new java.util.Random(7));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Cli.Result>> results = new ArrayList<>();
            for (String n : pushes) {
                results.add(pool.submit(() -> cli.run("wal-push", originals.resolve(n).toString())));
            }
            for (Future<Cli.Result> f : results) {
                assertThat(f.get().exit()).as(f.get().toString()).isZero();
            }
            pool.shutdown();

            try (Stream<Path> files = Files.walk(fresh.resolve("wal"))) {
                assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList())
                        .as("each segment once, no temporary leftovers").isEqualTo(names);
            }
            Path back = TestDirs.serverDir(s.base, "back");
            for (String n : names) {
                assertThat(cli.run("wal-fetch", n, back.resolve(n).toString()).exit()).isZero();
                assertThat(Files.mismatch(back.resolve(n), originals.resolve(n))).as(n).isEqualTo(-1L);
            }
        }
    }

    @Test
    void aBackupDuringDeleteIsRefusedNamingItOrQueuesBehindIt() throws Exception {
        try (Scenario s = new Scenario("queue")) {
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup("--type", "full");
            Repository repository = new Repository(new LocalStorage(s.repo));
            try (RepositoryLock held = RepositoryLock.acquire(repository, "delete", Duration.ZERO)) {
                Cli.Result refused = s.cli.run("backup", "--pgdata", s.pg.pgdata().toString());
                assertThat(refused.exit()).isEqualTo(1);
                assertThat(refused.err()).contains("is locked: delete by process " + ProcessHandle.current().pid());
            }

            RepositoryLock held = RepositoryLock.acquire(repository, "delete", Duration.ZERO);
            Thread release = Thread.ofVirtual().start(() -> {
                Scenario.pause(3000);
                try {
                    held.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String queued = s.backup("--type", "full", "--wait", "60");
            release.join();
            assertThat(s.cli.run("verify", queued).exit()).isZero();
            assertThat(s.ok("list").out()).contains(queued);
        }
    }
}
