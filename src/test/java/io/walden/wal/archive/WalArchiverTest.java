package io.walden.wal.archive;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archiver's scheduling and records, with a pusher that stands in for the repository: what is pushed, in
 * which order, and that a marker follows only a push that returned for the file as it still is.
 */
class WalArchiverTest {
    private static final RepositoryKey REPO = new RepositoryKey("/backups/main");
    private static final WalArchiver.Settings QUICK = new WalArchiver.Settings(Duration.ofMillis(600), 2, Duration.ofMillis(50));

    @TempDir
    Path dir;
    Path pgWal;
    ArchiveSpool spool;
    final List<String> pushed = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeEach
    void cluster() throws Exception {
        pgWal = Files.createDirectories(dir.resolve("pg_wal"));
        Files.createDirectories(pgWal.resolve("archive_status"));
        spool = ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, REPO);
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private Path ready(String name) throws IOException {
        Path file = Files.write(pgWal.resolve(name), name.getBytes(StandardCharsets.UTF_8));
        Files.createFile(pgWal.resolve("archive_status").resolve(name + ".ready"));
        return file;
    }

    private WalArchiver archiver(WalArchiver.Pusher pusher, WalArchiver.Settings settings) {
        return new WalArchiver(pgWal, spool, pusher, settings, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private boolean marked(String name) throws IOException {
        return spool.isArchived(name, WalFileIdentity.of(pgWal.resolve(name)));
    }

    @Test
    void pushesEveryReadyFileHistoryFirstThenOldestFirstMarksThemAndLeavesWhenIdle() throws Exception {
        List<String> names = List.of("000000010000000000000003", "000000010000000000000001", "00000002.history",
                "000000010000000000000002", "000000010000000000000002.00000028.backup");
        for (String n : names) {
            ready(n);
        }
        Files.write(pgWal.resolve("000000010000000000000009"), new byte[1]); // no .ready: not PostgreSQL's request
        WalArchiver.Stop stop = archiver(file -> pushed.add(file.getFileName().toString()),
                new WalArchiver.Settings(Duration.ofMillis(600), 1, Duration.ofMillis(50))).run();

        assertThat(stop).isEqualTo(WalArchiver.Stop.IDLE);
        assertThat(pushed).containsExactly("00000002.history", "000000010000000000000001", "000000010000000000000002",
                "000000010000000000000002.00000028.backup", "000000010000000000000003");
        for (String n : names) {
            assertThat(marked(n)).as(n).isTrue();
        }
        assertThat(spool.pidFile()).doesNotExist();
    }

    @Test
    void aFailedPushLeavesNoMarkerRecordsWhyAndIsTriedAgainOnlyWhenItsFailureIsCleared() throws Exception {
        String name = "000000010000000000000007";
        ready(name);
        Future<WalArchiver.Stop> run = background.submit(() -> archiver(file -> {
            pushed.add(file.getFileName().toString());
            if (pushed.size() == 1) {
                throw new WaldenException("the repository at /backups/main is full", "free space");
            }
        }, new WalArchiver.Settings(Duration.ofSeconds(30), 2, Duration.ofMillis(50))).run());

        WalFileIdentity id = WalFileIdentity.of(pgWal.resolve(name));
        awaitTrue(() -> spool.failure(name, id).isPresent());
        assertThat(marked(name)).isFalse();
        assertThat(spool.failure(name, id).orElseThrow().message()).isEqualTo("the repository at /backups/main is full");
        Thread.sleep(300);
        assertThat(pushed).as("not retried by itself").hasSize(1);

        spool.clearFailure(name); // what a waiting wal-push does
        awaitTrue(() -> marked(name));
        assertThat(pushed).hasSize(2);
        Files.delete(pgWal.resolve("archive_status").resolve(name + ".ready"));
        run.cancel(true);
    }

    @Test
    void aFileChangedWhileItWasPushedGetsNoMarker() throws Exception {
        String name = "000000010000000000000008";
        Path file = ready(name);
        WalArchiver.Stop stop = archiver(f -> {
            pushed.add(name);
            Files.write(file, new byte[5]);
        }, QUICK).run();
        assertThat(stop).isEqualTo(WalArchiver.Stop.IDLE);
        assertThat(marked(name)).isFalse();
        assertThat(spool.failure(name, WalFileIdentity.of(file)).orElseThrow().message())
                .isEqualTo("WAL file " + name + " changed while it was being archived");
    }

    @Test
    void pushesAtMostJobsFilesAtOnce() throws Exception {
        for (int i = 1; i <= 6; i++) {
            ready(String.format("0000000100000000000000%02X", i));
        }
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        archiver(f -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            pushed.add(f.getFileName().toString());
        }, QUICK).run();
        assertThat(pushed).hasSize(6);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void leavesWhenPgWalIsReplacedByARestore() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ready("000000010000000000000001");
        Future<WalArchiver.Stop> run = background.submit(() -> archiver(f -> started.countDown(),
                new WalArchiver.Settings(Duration.ofMinutes(5), 1, Duration.ofMillis(50))).run());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        awaitTrue(() -> ArchiverLease.running(spool).isPresent());
        assertThat(ArchiverLease.running(spool).orElseThrow().pid()).isEqualTo(ProcessHandle.current().pid());

        Files.move(pgWal, dir.resolve("pg_wal.old"));
        Files.createDirectories(pgWal.resolve("archive_status"));
        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(WalArchiver.Stop.PG_WAL_GONE);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
