package io.walden.storage.s3;

import io.walden.error.WaldenException;
import io.walden.storage.ObjectInfo;
import io.walden.storage.PendingObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Predicate;

import static io.walden.storage.s3.FaultProxy.ANY;
import static io.walden.storage.s3.FaultProxy.containing;
import static io.walden.storage.s3.FaultProxy.method;
import static io.walden.storage.s3.FaultProxy.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 through a proxy that throttles, hangs up and stalls: transient faults are retried (or a broken
 * download resumed) and nobody notices; faults that outlast the retries fail the write, and nothing of it
 * becomes visible.
 */
class S3StorageFaultTest {
    private static final int PART = S3TestServer.PART_SIZE;
    private static S3TestServer server;
    private static S3Client s3;

    private FaultProxy proxy;
    private S3Location location;
    private S3Storage storage;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
        s3 = server.client();
    }

    @AfterAll
    static void closeClient() {
        s3.close();
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new FaultProxy(server.port());
        location = server.freshLocation();
        storage = storage(server.settings());
    }

    private S3Storage storage(S3Settings settings) {
        return server.storage(settings.withEndpoint(proxy.endpoint()), location);
    }

    @AfterEach
    void stopProxy() throws IOException {
        storage.close();
        proxy.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void put(String key, byte[] content) throws IOException {
        try (PendingObject p = storage.create(key)) {
            p.stream().write(content);
            p.commit();
        }
    }

    private byte[] get(String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            return in.readAllBytes();
        }
    }

    /** Every operation, each meeting {@code faults} faults of the given kind first. */
    private void everyOperationSurvives(int faults, Runnable arm) throws IOException {
        byte[] content = "a WAL segment, say".getBytes(StandardCharsets.UTF_8);
        arm.run();
        put("wal/1", content);
        arm.run();
        assertThat(get("wal/1")).isEqualTo(content);
        arm.run();
        try (InputStream in = storage.open("wal/1", 2, 3)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 2, 5));
        }
        arm.run();
        assertThat(storage.stat("wal/1")).map(ObjectInfo::size).contains((long) content.length);
        arm.run();
        assertThat(storage.list("wal/")).extracting(ObjectInfo::key).containsExactly("wal/1");
        arm.run();
        try (PendingObject p = storage.create("wal/1")) {
            p.stream().write(1);
            assertThat(p.commitIfAbsent()).isFalse();
        }
        arm.run();
        storage.delete("wal/1");
        assertThat(storage.list("")).isEmpty();
        assertThat(proxy.faults()).isEqualTo(7 * faults);
    }

    @Test
    void throttlingIsRetried() throws IOException {
        everyOperationSurvives(3, () -> proxy.slowDown(3, ANY));
    }

    @Test
    void requestsHeldBackPastTheReadTimeoutAreRetried() throws IOException {
        storage.close();
        storage = storage(server.settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5)));
        everyOperationSurvives(1, () -> proxy.delay(1, Duration.ofMillis(700), ANY));
    }

    @Test
    void uploadsCutOffMidBodyAreRetried() throws IOException {
        byte[] small = random(200_000, 1);
        proxy.cutRequest(2, 100_000, method("PUT"));
        put("small", small);
        assertThat(proxy.faults()).isEqualTo(2);

        byte[] large = random(3 * PART + 1, 2);
        proxy.cutRequest(3, 1_000_000, containing("partNumber="));
        put("large", large);
        assertThat(proxy.faults()).isEqualTo(5);

        assertThat(get("small")).isEqualTo(small);
        assertThat(get("large")).isEqualTo(large);
    }

    @Test
    void multipartUploadsSurviveThrottledParts() throws IOException {
        byte[] large = random(4 * PART + 3, 3);
        // 3, one less than a request's attempts: parts go up in parallel, so which part meets the faults is up to
        // timing, and with more of them one part could meet them all and rightly fail
        proxy.slowDown(3, containing("uploadId="));
        put("large", large);
        assertThat(proxy.faults()).isEqualTo(3);
        assertThat(get("large")).isEqualTo(large);
    }

    @Test
    void aDownloadCutOffMidBodyIsResumedWhereItStopped() throws IOException {
        byte[] large = random(3 * PART, 4);
        put("large", large);
        proxy.cutResponse(3, 2_000_000, method("GET"));
        assertThat(get("large")).isEqualTo(large);
        assertThat(proxy.faults()).isEqualTo(3);

        proxy.cutResponse(1, 300_000, method("GET"));
        try (InputStream in = storage.open("large", PART - 10, 2 * PART)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(large, PART - 10, 3 * PART - 10));
        }
        assertThat(proxy.faults()).isEqualTo(4);
    }

    @Test
    void aDownloadThatKeepsBreakingFailsInsteadOfEndingShort() throws IOException {
        byte[] large = random(2 * PART, 5);
        put("large", large);
        proxy.cutResponse(1, 1_000_000, method("GET"));
        proxy.cutResponse(Integer.MAX_VALUE, 100, method("GET")); // not even the response head gets through
        assertThatThrownBy(() -> get("large"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed at byte");
    }

    @Test
    void aSmallWriteThatKeepsFailingThrowsAndLeavesNothing() throws IOException {
        proxy.slowDown(Integer.MAX_VALUE, method("PUT"));
        assertThatThrownBy(() -> put("manifest.json", random(1000, 6)))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(WaldenException.class)
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("503")
                .hasMessageContaining("SlowDown");
        proxy.clear();
        assertThat(storage.stat("manifest.json")).isEmpty();
        assertThat(storage.list("")).isEmpty();
    }

    @Test
    void aLargeWriteWhosePartsKeepFailingThrowsAndLeavesNothing() throws IOException {
        Predicate<String> partsAndCompletion = containing("uploadId=").and(method("DELETE").negate());
        proxy.slowDown(Integer.MAX_VALUE, partsAndCompletion);
        assertThatThrownBy(() -> put("backups/X/data/000001", random(3 * PART, 7)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("backups/X/data/000001");
        proxy.clear();
        assertThat(storage.stat("backups/X/data/000001")).isEmpty();
        assertThat(storage.list("")).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket(server.bucket()).prefix(location.keyPrefix())).uploads())
                .as("the failed upload was aborted").isEmpty();
    }

    @Test
    void aCompletionThatKeepsFailingThrowsAndLeavesNothing() throws IOException {
        proxy.slowDown(Integer.MAX_VALUE, method("POST").and(containing("uploadId=")));
        try (PendingObject p = storage.create("wal/big")) {
            p.stream().write(random(2 * PART + 1, 8));
            assertThatThrownBy(p::commitIfAbsent).isInstanceOf(IOException.class).hasMessageContaining("wal/big");
        }
        proxy.clear();
        assertThat(storage.stat("wal/big")).isEmpty();
        assertThat(storage.list("")).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket(server.bucket()).prefix(location.keyPrefix())).uploads()).isEmpty();
    }

    @Test
    void aConflictingConditionalWriteIsTriedAgain() throws IOException {
        proxy.answer(2, 409, "ConditionalRequestConflict", withHeader("If-None-Match"));
        try (PendingObject p = storage.create("wal/1")) {
            p.stream().write(1);
            assertThat(p.commitIfAbsent()).isTrue();
        }
        proxy.answer(1, 409, "ConditionalRequestConflict", withHeader("If-None-Match"));
        byte[] large = random(2 * PART + 1, 9);
        try (PendingObject p = storage.create("wal/big")) {
            p.stream().write(large);
            assertThat(p.commitIfAbsent()).isTrue();
        }
        assertThat(proxy.faults()).isEqualTo(3);
        assertThat(get("wal/1")).containsExactly(1);
        assertThat(get("wal/big")).isEqualTo(large);
    }

    /** Some S3-compatible servers answer If-None-Match with 501; then a HEAD guards a plain write. */
    @Test
    void aServerWithoutConditionalWritesGetsAHeadAndAPlainWrite() throws IOException {
        proxy.answer(Integer.MAX_VALUE, 501, "NotImplemented", withHeader("If-None-Match"));
        try (PendingObject p = storage.create("wal/1")) {
            p.stream().write(1);
            assertThat(p.commitIfAbsent()).isTrue();
        }
        try (PendingObject p = storage.create("wal/1")) {
            p.stream().write(2);
            assertThat(p.commitIfAbsent()).isFalse();
        }
        byte[] large = random(2 * PART + 1, 10);
        try (PendingObject p = storage.create("wal/big")) {
            p.stream().write(large);
            assertThat(p.commitIfAbsent()).isTrue();
        }
        assertThat(proxy.faults()).as("refused once, not asked again").isEqualTo(1);
        assertThat(get("wal/1")).containsExactly(1);
        assertThat(get("wal/big")).isEqualTo(large);
    }

    /** Memory stays bounded because parts in flight are: the writer waits for a slot. */
    @Test
    void partsGoUpInParallelButNeverMoreThanAllowed() throws IOException {
        storage.close();
        storage = storage(server.settings().withMaxConcurrency(2));
        proxy.watch(containing("partNumber="));
        proxy.delay(Integer.MAX_VALUE, Duration.ofMillis(150), containing("partNumber="));
        byte[] large = random(6 * PART + 1, 11);
        put("large", large);
        assertThat(proxy.peakConcurrency()).isEqualTo(2);
        proxy.clear();
        assertThat(get("large")).isEqualTo(large);
    }
}
