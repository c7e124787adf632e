package io.walden.repo;

import io.walden.error.WaldenException;
import io.walden.storage.LocalStorage;
import io.walden.storage.PendingObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryLockTest {
    // one suite, every storage: the lock must hold wherever the repository is
    @TempDir
    Path dir;

    io.walden.storage.Storage storage;
    Repository repo;

    /** The storage the lock lives on; the S3 variant overrides it. */
    protected io.walden.storage.Storage newStorage() throws Exception {
        return new LocalStorage(dir.resolve("repo"));
    }

    @BeforeEach
    void setUp() throws Exception {
        storage = newStorage();
        repo = new Repository(storage);
    }

    private void plant(String json) throws IOException {
        try (PendingObject p = storage.create(ObjectKeys.LOCK)) {
            p.stream().write(json.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
    }

    private static String holder(String host, long pid, Instant heartbeat) {
        return "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"purpose\":\"backup\",\"started\":\"2026-02-13T14:00:00Z\","
                + "\"heartbeat\":\"" + heartbeat + "\"}";
    }

    @Test
    void aSecondHolderIsRefusedWithTheFirstOnesNameUntilItReleases() throws IOException {
        try (RepositoryLock first = RepositoryLock.acquire(repo, "backup", Duration.ZERO)) {
            assertThat(storage.stat(ObjectKeys.LOCK)).isPresent();
            assertThatThrownBy(() -> RepositoryLock.acquire(repo, "backup", Duration.ZERO))
                    .isInstanceOf(WaldenException.class)
                    .hasMessageStartingWith("the repository at " + storage.location() + " is locked: backup by process "
                            + ProcessHandle.current().pid() + " on ");
        }
        assertThat(storage.stat(ObjectKeys.LOCK)).isEmpty();
        try (RepositoryLock again = RepositoryLock.acquire(repo, "backup", Duration.ZERO)) {
            assertThat(storage.stat(ObjectKeys.LOCK)).isPresent();
        }
    }

    @Test
    void waitingQueuesBehindALiveHolder() throws Exception {
        RepositoryLock first = RepositoryLock.acquire(repo, "backup", Duration.ZERO);
        CompletableFuture<RepositoryLock> second = CompletableFuture.supplyAsync(() -> {
            try {
                return RepositoryLock.acquire(repo, "backup", Duration.ofSeconds(30));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(second).isNotDone();
        first.close();
        second.get(20, TimeUnit.SECONDS).close();
    }

    @Test
    void aLockOfADeadProcessOnThisHostIsTakenOver() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        plant(holder(java.net.InetAddress.getLocalHost().getHostName(), p.pid(), Instant.now()));
        try (RepositoryLock taken = RepositoryLock.acquire(repo, "backup", Duration.ZERO)) {
            assertThat(Json.mapper().readTree(storage.open(ObjectKeys.LOCK)).get("pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aLockWhosePidNowBelongsToAnotherProcessIsTakenOver() throws Exception {
        String host = java.net.InetAddress.getLocalHost().getHostName();
        plant("{\"host\":\"" + host + "\",\"pid\":" + ProcessHandle.current().pid() + ",\"processStart\":\"2001-01-01T00:00:00Z\","
                + "\"purpose\":\"backup\",\"started\":\"2026-02-13T14:00:00Z\",\"heartbeat\":\"" + Instant.now() + "\"}");
        RepositoryLock.acquire(repo, "backup", Duration.ZERO).close();
    }

    @Test
    void anotherHostsLockIsStaleOnlyWhenItsHeartbeatStopped() throws IOException {
        plant(holder("db-other", 4242, Instant.now()));
        assertThatThrownBy(() -> RepositoryLock.acquire(repo, "backup", Duration.ZERO))
                .hasMessageContaining("backup by process 4242 on db-other");
        plant(holder("db-other", 4242, Instant.now().minus(RepositoryLock.STALE_AFTER).minusSeconds(5)));
        RepositoryLock.acquire(repo, "backup", Duration.ZERO).close();
    }

    @Test
    void ofManyProcessesFindingTheSameStaleLockExactlyOneTakesItOver() throws Exception {
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 10; round++) {
                plant(holder(host, dead.pid(), Instant.now()));
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<RepositoryLock>> tries = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    tries.add(pool.submit(() -> {
                        go.await();
                        try {
                            return RepositoryLock.acquire(repo, "backup", Duration.ZERO);
                        } catch (WaldenException refused) {
                            return null;
                        }
                    }));
                }
                go.countDown();
                java.util.List<RepositoryLock> taken = new java.util.ArrayList<>();
                for (var t : tries) {
                    RepositoryLock l = t.get(30, TimeUnit.SECONDS);
                    if (l != null) {
                        taken.add(l);
                    }
                }
                assertThat(taken).as("round %d", round).hasSize(1);
                taken.get(0).close();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTakeoverMarkerLeftByAKilledTakerExpires() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(storage instanceof LocalStorage, "file times are set by hand");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        plant(holder(java.net.InetAddress.getLocalHost().getHostName(), dead.pid(), Instant.now()));
        byte[] bytes = storage.open(ObjectKeys.LOCK).readAllBytes();
        String marker = RepositoryLock.markerKey(ObjectKeys.LOCK, bytes, storage.stat(ObjectKeys.LOCK).orElseThrow().modified());
        try (PendingObject p = storage.create(marker)) {
            p.commit();
        }
        Path markerFile = dir.resolve("repo").resolve(marker);
        java.nio.file.Files.setLastModifiedTime(markerFile, java.nio.file.attribute.FileTime.from(
                Instant.now().minus(RepositoryLock.MARKER_EXPIRY).minusSeconds(5)));

        try (RepositoryLock taken = RepositoryLock.acquire(repo, "backup", Duration.ofSeconds(10))) {
            assertThat(Json.mapper().readTree(storage.open(ObjectKeys.LOCK)).get("pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aTornLockFileIsTakenOver() throws IOException {
        plant("{\"host\":\"db-1\",\"pi");
        RepositoryLock.acquire(repo, "backup", Duration.ZERO).close();
        assertThat(storage.stat(ObjectKeys.LOCK)).isEmpty();
    }
}
