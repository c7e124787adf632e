package io.walden.storage.s3;

import io.walden.repo.Repository;
import io.walden.wal.archive.WalFetcher;
import io.walden.wal.archive.WalPusher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.walden.storage.s3.FaultProxy.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * walden's own operations on an S3 server that throttles, fails and cuts connections: wal-push and
 * wal-fetch (archive_command / restore_command) and a backup's objects either succeed through retries or
 * fail leaving nothing that looks complete, and a later retry succeeds.
 */
class FaultyS3RepositoryTest {
    private static final int SEGMENT = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    private S3TestServer server;
    private FaultProxy proxy;
    private Repository repository;

    @BeforeEach
    void setUp() throws Exception {
        server = S3TestServer.shared();
        proxy = new FaultProxy(server.port());
        repository = new Repository(server.storage(server.settings().withEndpoint(proxy.endpoint()), server.freshLocation()));
    }

    @AfterEach
    void tearDown() throws Exception {
        repository.close();
        proxy.close();
    }

    /** A 16 MB file that starts with a PostgreSQL 15 long page header for {@code name}, the rest random (incompressible). */
    private Path segment(String name, long seed) throws IOException {
        byte[] b = new byte[SEGMENT];
        new Random(seed).nextBytes(b);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long segmentNumber = Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L / SEGMENT)
                + Long.parseLong(name.substring(16), 16);
        h.putShort(0, (short) 0xD110).putShort(2, (short) 0x0002).putInt(4, 1).putLong(8, segmentNumber * SEGMENT).putInt(16, 0)
                .putLong(24, 7301234567890123456L).putInt(32, SEGMENT).putInt(36, 8192);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void walPushRetriesThrottlingAndCutUploadsThenFetchSurvivesCutDownloads() throws IOException {
        Path seg = segment("000000010000000000000001", 1);
        proxy.slowDown(3, method("PUT"));
        proxy.cutRequest(1, 200_000, method("PUT"));
        assertThat(new WalPusher(repository).push(seg)).isEqualTo(WalPusher.Outcome.ARCHIVED);
        assertThat(proxy.faults()).isGreaterThanOrEqualTo(4);
        assertThat(new WalPusher(repository).push(seg)).isEqualTo(WalPusher.Outcome.ALREADY_ARCHIVED);

        proxy.cutResponse(2, 3_000_000, method("GET"));
        Path fetched = dir.resolve("fetched");
        assertThat(new WalFetcher(repository).fetch("000000010000000000000001", fetched)).isTrue();
        assertThat(Files.mismatch(fetched, seg)).isEqualTo(-1L);
    }

    @Test
    void aWalPushThatKeepsFailingLeavesNothingAndTheNextTrySucceeds() throws IOException {
        Path seg = segment("000000010000000000000002", 2);
        repository.claim(7301234567890123456L, 15, SEGMENT); // the identity exists; only the segment's upload fails
        proxy.answer(1000, 500, "InternalError", method("PUT").or(method("POST")));
        assertThatThrownBy(() -> new WalPusher(repository).push(seg)).isNotNull();
        assertThat(repository.wal()).isEmpty();
        proxy.clear();
        assertThat(new WalPusher(repository).push(seg)).isEqualTo(WalPusher.Outcome.ARCHIVED);
        assertThat(repository.wal()).hasSize(1);
    }

    @Test
    void aBackupWhoseManifestCannotBeWrittenIsNoBackup() throws IOException {
        repository.claim(7301234567890123456L, 15, SEGMENT);
        byte[] data = new byte[12 * 1024 * 1024];
        new Random(3).nextBytes(data);
        proxy.slowDown(2, method("PUT"));
        repository.write("backups/20260213T150000Z/data/000001", "", false, out -> out.write(data));
        proxy.answer(1000, 503, "ServiceUnavailable", FaultProxy.containing("manifest.json"));
        assertThatThrownBy(() -> repository.write("backups/20260213T150000Z/manifest.json", "", false, out -> out.write('{')))
                .isNotNull();
        assertThat(repository.backups()).isEmpty();
        proxy.clear();
        try (var in = repository.read("backups/20260213T150000Z/data/000001")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }
}
