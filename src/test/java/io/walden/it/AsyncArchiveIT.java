package io.walden.it;

import io.walden.pg.OsUser;
import io.walden.pg.ProcessResult;
import io.walden.pg.ProcessRunner;
import io.walden.pg.ShellQuote;
import io.walden.repo.Repository;
import io.walden.storage.LocalStorage;
import io.walden.wal.archive.ArchiveSpool;
import io.walden.wal.archive.RepositoryKey;
import io.walden.wal.archive.WalFetcher;
import io.walden.wal.archive.WalFileIdentity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wal-push --async against a real server, through bin/walden as archive_command: nothing PostgreSQL archived is
 * missing or different in the repository, also when the background archiver and archive_command are killed
 * mid-way, and a marker is believed only for the very file it was written for, in a spool nobody else writes.
 */
class AsyncArchiveIT {

    /** A cluster with 1 MB segments (many segments from little load) archiving with wal-push --async. */
    private static final class AsyncCluster implements AutoCloseable {
        final Path base = TestDirs.newBaseDir("walden-async");
        final Path repo = TestDirs.serverDir(base, "repo");
        final Path launcher = TestDirs.installLauncher(base);
        final TestCluster pg;

        AsyncCluster() {
            pg = TestCluster.create(base, "main", command("wal-push --async %p"), TestCluster.binaries(), List.of("--wal-segsize=1"));
            // every segment stays in pg_wal, so that the archived copies can be compared with the originals
            pg.appendConf("wal_keep_size = '4GB'", "max_wal_size = '4GB'", "checkpoint_timeout = '1h'");
            pg.start();
        }

        String command(String verb) {
            return ShellQuote.quote(launcher.toString()) + " --repo " + ShellQuote.quote(repo.toString()) + " " + verb;
        }

        Path pgWal() {
            return pg.pgdata().resolve("pg_wal");
        }

        Path spoolArea() {
            return ArchiveSpool.defaultLocation(pgWal()).resolve(new RepositoryKey(repo.toString()).directoryName());
        }

        /** walden run by the server user in PGDATA, as PostgreSQL runs archive_command. */
        ProcessResult walPushAsServer(String pathArgument) {
            String shell = "cd " + ShellQuote.quote(pg.pgdata().toString()) + " && exec " + command("wal-push --async " + pathArgument);
            return ProcessRunner.run(OsUser.commandAs(pg.osUser(), List.of("sh", "-c", shell)), Duration.ofMinutes(2));
        }

        /** The background archiver, if one runs now. */
        Optional<ProcessHandle> archiver() {
            try {
                String pid = Files.readString(spoolArea().resolve("archiver.pid")).strip().split(" ")[0];
                return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            try {
                archiver().ifPresent(ProcessHandle::destroyForcibly);
                pg.close();
            } finally {
                TestDirs.deleteTree(base);
            }
        }
    }

    @Test
    void underLoadEverySegmentPostgresArchivedIsInTheRepositoryWithItsContent() throws Exception {
        try (AsyncCluster c = new AsyncCluster()) {
            runLoad(c, Duration.ofSeconds(8), () -> { });
            List<String> done = waitUntilEverythingIsArchived(c);
            assertThat(done.size()).as("segments archived").isGreaterThan(20);
            assertArchivedCopiesAreTheOriginals(c, done);
            for (String name : done) {
                Path marker = c.spoolArea().resolve("archived").resolve(name);
                assertThat(marker).as("%s went through the spool", name).exists();
                assertThat(Files.readString(marker).strip()).isEqualTo(WalFileIdentity.of(c.pgWal().resolve(name)).line());
            }
            assertThat(c.archiver()).as("the background archiver runs between calls").isPresent();
            assertThat(c.pg.queryLong("SELECT failed_count FROM pg_stat_archiver")).isZero();
        }
    }

    @Test
    void killingTheArchiverAndArchiveCommandMidWayLosesNothingAndLeavesNoMarkerWithoutItsObject() throws Exception {
        try (AsyncCluster c = new AsyncCluster()) {
            AtomicInteger killed = new AtomicInteger();
            runLoad(c, Duration.ofSeconds(9), () -> {
                c.archiver().ifPresent(p -> {
                    if (p.destroyForcibly()) {
                        killed.incrementAndGet();
                    }
                });
                ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(c.launcher.getParent().getParent().toString())
                                && p.info().commandLine().orElse("").contains(" wal-push "))
                        .forEach(ProcessHandle::destroyForcibly);
            });
            assertThat(killed.get()).as("archivers killed while they worked").isPositive();
            List<String> done = waitUntilEverythingIsArchived(c);
            assertArchivedCopiesAreTheOriginals(c, done);
            assertThat(c.pg.queryLong("SELECT archived_count FROM pg_stat_archiver")).isPositive();

            // every marker stands for an object in the repository with the file's content
            try (Stream<Path> markers = Files.list(c.spoolArea().resolve("archived"))) {
                List<String> named = markers.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
                assertThat(named).isNotEmpty();
                assertArchivedCopiesAreTheOriginals(c, named);
            }
        }
    }

    @Test
    void aMarkerIsBelievedOnlyForItsFileInAPrivateSpoolAndBadInputGetsOneMessage() throws Exception {
        try (AsyncCluster c = new AsyncCluster()) {
            c.pg.sql("CREATE TABLE t (id int, pad text)", "INSERT INTO t SELECT g, repeat('z', 300) FROM generate_series(1, 8000) g",
                    "SELECT pg_switch_wal()");
            List<String> done = waitUntilEverythingIsArchived(c);
            assertThat(done.size()).isGreaterThanOrEqualTo(3);
            String first = done.get(0);
            String second = done.get(1);
            ProcessResult again = c.walPushAsServer("pg_wal/" + first);
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output()).isEmpty();

            // a file changed since its marker was written: the marker is not believed, the push finds the conflict
            TestDirs.flipByteInTheMiddle(c.pgWal().resolve(first));
            ProcessResult changed = c.walPushAsServer("pg_wal/" + first);
            assertThat(changed.exitCode()).isEqualTo(1);
            assertThat(changed.output()).startsWith("walden: WAL file " + first + " is already in the repository at " + c.repo
                    + " with different content; nothing was overwritten\nHINT: ");

            // a spool others can write is refused, although it holds a marker for this very file
            Path spool = ArchiveSpool.defaultLocation(c.pgWal());
            Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxrwx"));
            ProcessResult open = c.walPushAsServer("pg_wal/" + second);
            assertThat(open.exitCode()).isEqualTo(1);
            assertThat(open.output()).isEqualTo("walden: the spool " + spool + " is writable by other users (mode 0777); a marker"
                    + " they write could make PostgreSQL drop WAL that was never archived\nHINT: chmod 700 " + spool + "\n");
            Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(spool, "unix:uid", 0);
            ProcessResult foreign = c.walPushAsServer("pg_wal/" + second);
            assertThat(foreign.exitCode()).isEqualTo(1);
            assertThat(foreign.output()).startsWith("walden: the spool " + spool + " belongs to uid 0, not to uid ");
            TestDirs.giveToServer(spool);
            assertThat(c.walPushAsServer("pg_wal/" + second).exitCode()).isZero();

            // bad input: one message, a non-zero exit
            ProcessResult missing = c.walPushAsServer("pg_wal/0000000100000000000000FF");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.output()).isEqualTo("walden: WAL file " + c.pgWal().resolve("0000000100000000000000FF")
                    + " does not exist\nHINT: archive_command must pass %p (the path PostgreSQL gives, relative to PGDATA)\n");
            ProcessResult notWal = c.walPushAsServer("pg_wal/notes.txt");
            assertThat(notWal.exitCode()).isEqualTo(2);
            assertThat(notWal.output()).startsWith("walden: 'notes.txt' is not a WAL file name\nHINT: ");
        }
    }

    /** Writers and WAL switches for {@code duration}; {@code meanwhile} runs every 1.5 s on the side. */
    private static void runLoad(AsyncCluster c, Duration duration, Runnable meanwhile) throws Exception {
        c.pg.sql("CREATE TABLE IF NOT EXISTS load (id bigserial, pad text)");
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (Connection conn = c.pg.connect(); Statement s = conn.createStatement()) {
                    while (running.get()) {
                        s.execute("INSERT INTO load (pad) SELECT repeat(md5(random()::text), 6) FROM generate_series(1, 2000)");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            while (running.get()) {
                c.pg.sql("SELECT pg_switch_wal()");
                Scenario.pause(300);
            }
        }));
        long end = System.nanoTime() + duration.toNanos();
        long next = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end) {
            Scenario.pause(50);
            if (System.nanoTime() > next) {
                meanwhile.run();
                next = System.nanoTime() + 1_500_000_000L;
            }
        }
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        c.pg.sql("SELECT pg_switch_wal()");
    }

    /**
     * Waits until PostgreSQL has no file left to archive and returns the archived names. After archive_command
     * died on a signal PostgreSQL restarts its archiver, which then retries on its own only every minute: a WAL
     * switch now and then wakes it sooner.
     */
    private static List<String> waitUntilEverythingIsArchived(AsyncCluster c) throws Exception {
        Path status = c.pgWal().resolve("archive_status");
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        c.pg.sql("CREATE TABLE IF NOT EXISTS wake (at timestamptz)");
        for (int round = 1; ; round++) {
            List<String> names;
            try (Stream<Path> files = Files.list(status)) {
                names = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            if (names.stream().noneMatch(n -> n.endsWith(".ready"))) {
                return names.stream().filter(n -> n.endsWith(".done")).map(n -> n.substring(0, n.length() - 5)).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not archived after 4 minutes: " + names.stream().filter(n -> n.endsWith(".ready")).toList()
                        + "\n" + tail(c.pg.logFile()));
            }
            if (round % 20 == 0) {
                c.pg.sql("INSERT INTO wake VALUES (now())", "SELECT pg_switch_wal()");
            }
            Scenario.pause(250);
        }
    }

    private static void assertArchivedCopiesAreTheOriginals(AsyncCluster c, List<String> names) throws IOException {
        Path fetched = Files.createTempDirectory(c.base, "fetched");
        WalFetcher fetcher = new WalFetcher(new Repository(new LocalStorage(c.repo)));
        for (String name : names) {
            Path copy = fetched.resolve(name);
            assertThat(fetcher.fetch(name, copy)).as("%s is in the repository", name).isTrue();
            assertThat(Files.mismatch(copy, c.pgWal().resolve(name))).as("%s has the original content", name).isEqualTo(-1L);
            Files.delete(copy);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
