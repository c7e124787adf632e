package io.walden.wal.archive;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/walden's answer without a JVM (bin/lib/async-push.sh), against spools written by {@link ArchiveSpool}: it
 * says "archived" only for a marker of this repository and this very file in a private spool, and otherwise
 * hands over to the JVM (status 1).
 */
class AsyncPushFastPathTest {
    private static final String NAME = "00000001000000000000000A";
    private static final Path LIBRARY = Path.of("bin/lib/async-push.sh").toAbsolutePath();

    @TempDir
    Path dir;
    Path pgdata;
    Path pgWal;
    Path segment;

    @BeforeEach
    void cluster() throws Exception {
        pgdata = Files.createDirectories(dir.resolve("pgdata")).toRealPath();
        pgWal = Files.createDirectories(pgdata.resolve("pg_wal"));
        Files.createDirectories(pgWal.resolve("archive_status"));
        segment = Files.write(pgWal.resolve(NAME), new byte[32768]);
    }

    private int answer(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; source \"$0\"; walden_async_push_answered \"$@\"",
                LIBRARY.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(pgdata.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("WALDEN_"));
        pb.environment().put("WALDEN_CONFIG", dir.resolve("no-config").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the fast path prints nothing").isEmpty();
        return p.exitValue();
    }

    private int answer(String... args) throws Exception {
        return answer(Map.of(), args);
    }

    private ArchiveSpool spool(RepositoryKey key) throws Exception {
        return ArchiveSpool.open(ArchiveSpool.defaultLocation(pgWal), pgWal, key);
    }

    @Test
    void answersFromAMarkerOfThisRepositoryForThisFileOnly() throws Exception {
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).as("no spool yet").isEqualTo(1);
        ArchiveSpool spool = spool(new RepositoryKey("/backups/main"));
        spool.markArchived(NAME, WalFileIdentity.of(segment));

        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).isZero();
        assertThat(answer("wal-push", "--repo=/backups/main", "pg_wal/" + NAME, "--async")).isZero();
        assertThat(answer(Map.of("WALDEN_REPO", "/backups/main", "WALDEN_ARCHIVE_ASYNC", "on"), "wal-push", "pg_wal/" + NAME)).isZero();
        assertThat(answer("--repo", "/backups/other", "wal-push", "--async", "pg_wal/" + NAME)).as("another repository").isEqualTo(1);
        assertThat(answer("--repo", "/backups/main", "wal-push", "pg_wal/" + NAME)).as("not --async").isEqualTo(1);
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "--verbose", "pg_wal/" + NAME)).as("unknown option").isEqualTo(1);
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME, "extra")).isEqualTo(1);

        Files.write(segment, new byte[32768]); // the same name and size, written again
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).as("changed file").isEqualTo(1);
    }

    @Test
    void aRelativeRepositoryIsResolvedFromThePhysicalWorkingDirectoryAsTheJvmDoes() throws Exception {
        spool(RepositoryKey.of("../repo", null, pgdata)).markArchived(NAME, WalFileIdentity.of(segment));
        assertThat(answer("--repo", "../repo", "wal-push", "--async", "pg_wal/" + NAME)).isZero();
    }

    @Test
    void anS3RepositoryIsKeyedWithItsEndpointAndAConfigFileMayHoldOne() throws Exception {
        spool(RepositoryKey.of("s3://b/main", "http://127.0.0.1:9000", pgdata)).markArchived(NAME, WalFileIdentity.of(segment));
        assertThat(answer("--repo", "s3://b/main", "--s3-endpoint", "http://127.0.0.1:9000", "wal-push", "--async", "pg_wal/" + NAME)).isZero();
        assertThat(answer("--repo", "s3://b/main", "wal-push", "--async", "pg_wal/" + NAME)).as("AWS itself").isEqualTo(1);

        spool(RepositoryKey.of("s3://b/main", null, pgdata)).markArchived(NAME, WalFileIdentity.of(segment));
        assertThat(answer("--repo", "s3://b/main", "wal-push", "--async", "pg_wal/" + NAME)).isZero();
        Path config = Files.writeString(dir.resolve("walden.conf"), "s3-endpoint = http://10.0.0.1:9000\n");
        assertThat(answer(Map.of("WALDEN_CONFIG", config.toString()), "--repo", "s3://b/main", "wal-push", "--async", "pg_wal/" + NAME))
                .as("the endpoint may be in the config file, which only the JVM reads").isEqualTo(1);
    }

    @Test
    void aSpoolOthersCanWriteIsNotBelieved() throws Exception {
        ArchiveSpool spool = spool(new RepositoryKey("/backups/main"));
        spool.markArchived(NAME, WalFileIdentity.of(segment));
        Files.setPosixFilePermissions(ArchiveSpool.defaultLocation(pgWal), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).isEqualTo(1);
        Files.setPosixFilePermissions(ArchiveSpool.defaultLocation(pgWal), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(spool.area(), PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).isEqualTo(1);
    }

    @Test
    void waitsForTheMarkerWhileTheArchiverRunsAndHandsAFailureToTheJvm() throws Exception {
        ArchiveSpool spool = spool(new RepositoryKey("/backups/main"));
        Files.createFile(pgWal.resolve("archive_status").resolve(NAME + ".ready"));
        try (ArchiverLease lease = ArchiverLease.tryAcquire(spool).orElseThrow()) {
            Thread marker = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                    spool.markArchived(NAME, WalFileIdentity.of(segment));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + NAME)).isZero();
            assertThat(System.nanoTime() - start).as("it waited for the marker").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
            marker.join();

            String next = "00000001000000000000000B";
            Path file = Files.write(pgWal.resolve(next), new byte[10]);
            Files.createFile(pgWal.resolve("archive_status").resolve(next + ".ready"));
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                    spool.recordFailure(next, WalFileIdentity.of(file), "boom", "");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).join();
            assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/" + next)).isEqualTo(1);
        }
        assertThat(answer("--repo", "/backups/main", "wal-push", "--async", "pg_wal/00000001000000000000000C"))
                .as("a file that does not exist").isEqualTo(1);
    }
}
